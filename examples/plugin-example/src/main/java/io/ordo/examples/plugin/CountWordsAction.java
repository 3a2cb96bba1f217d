package io.ordo.examples.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;

/**
 * Step action {@code example.count-words} for job definitions: counts the words of
 * {@code config.text} (often a variable or an earlier step's output) and returns the same result
 * as {@link WordCountHandler}.
 *
 * <pre>{@code
 * steps:
 *   - name: count
 *     action: example.count-words
 *     config: { text: "{text}", top: 3 }
 * }</pre>
 */
public final class CountWordsAction implements StepAction {
    private final WordCounter counter = WordCounter.shared();

    @Override
    public String name() {
        return "example.count-words";
    }

    @Override
    public void validate(JsonNode config) {
        if (!config.path("text").isTextual()) throw new InvalidRequestException("config.text: required, a string");
    }

    @Override
    public Object run(StepContext ctx) {
        return counter.count(ctx.config().path("text").asText(), ctx.config().path("top").asInt(5));
    }
}
