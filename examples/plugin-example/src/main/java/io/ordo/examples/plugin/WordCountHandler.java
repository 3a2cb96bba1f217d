package io.ordo.examples.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;

import java.util.Map;

/**
 * Job type {@code example.word-count}: counts the words of the payload's {@code text}
 * ({@code {"text": "...", "top": 5}}) and saves {@code {words, distinct, top}} as the job's result.
 *
 * <p>A node creates one instance (through {@code META-INF/services}) and runs every job of this
 * type with it, so whatever the constructor loads stays loaded for the node's lifetime.
 */
public final class WordCountHandler implements JobHandler {
    private final WordCounter counter;

    /** The public no-argument constructor ServiceLoader calls: load expensive resources here, once. */
    public WordCountHandler() {
        this.counter = WordCounter.shared();
    }

    @Override
    public String type() {
        return "example.word-count";
    }

    @Override
    public void validate(JsonNode payload) {
        if (!payload.path("text").isTextual()) throw new InvalidRequestException("example.word-count: payload field 'text' must be a string");
        if (payload.has("top") && !payload.path("top").canConvertToInt()) {
            throw new InvalidRequestException("example.word-count: payload field 'top' must be a whole number");
        }
    }

    @Override
    public Object run(JobContext ctx) {
        String text = ctx.payload().path("text").asText();
        Map<String, Object> result = counter.count(text, ctx.payload().path("top").asInt(5));
        ctx.info("counted " + result.get("words") + " words");
        return result;
    }
}
