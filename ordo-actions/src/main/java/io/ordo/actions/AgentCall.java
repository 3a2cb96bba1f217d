package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.handler.JobCancelledException;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.JobTypeOptions;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.util.Durations;
import io.ordo.core.util.Json;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * One chat-completion call of an {@code agent} step: a child job of type {@value #TYPE}. 429 and
 * 5xx answers, connection errors and timeouts are retried here, up to {@code max_retries} times,
 * after the server's {@code Retry-After} or an exponential backoff (see {@link RetryAfter}); any
 * other status (redirects included: they are not followed) fails the job at once. Every failure
 * here is permanent, so the engine retries the job only after a crash of the node running it.
 *
 * <p>Payload: {@code {base_url, model, api_key_env?, system?, prompt, max_tokens?, temperature?,
 * timeout_ms, max_retries, source_job?, url?}} (the prompt already rendered; never the key, which
 * is read from the node's environment when the call is made). Result: {@code {answer, model,
 * finish_reason, usage: {prompt_tokens, completion_tokens, total_tokens}, source_job, url, requests}}.
 */
final class AgentCall implements JobHandler {
    static final String TYPE = "ordo.agent.call";
    static final int MAX_BODY = 4 * 1024 * 1024;

    private final SafeFetch fetch;
    private final UnaryOperator<String> env;
    private final Clock clock;

    AgentCall(SafeFetch fetch, UnaryOperator<String> env, Clock clock) {
        this.fetch = fetch;
        this.env = env;
        this.clock = clock;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JobTypeOptions options() {
        // 429/5xx are retried inside one attempt; a second attempt only follows a crash of the node
        // running the call (or an unexpected error), since every failure here is permanent
        return new JobTypeOptions(2, null, null, null);
    }

    @Override
    public void validate(JsonNode p) {
        for (String f : new String[]{"base_url", "model", "prompt"}) {
            if (!p.path(f).isTextual()) throw new InvalidRequestException(TYPE + ": payload." + f + ": required");
        }
    }

    /** The API key from the node's environment, or null when the step names no variable. */
    static String apiKey(String variable, UnaryOperator<String> env) {
        if (variable == null) return null;
        String key = env.apply(variable);
        if (key == null || key.isBlank()) {
            throw new PermanentFailure("agent: environment variable " + variable + " (config.api_key_env) is not set on this node");
        }
        return key.trim();
    }

    @Override
    public Object run(JobContext ctx) throws Exception {
        JsonNode p = ctx.payload();
        String model = p.path("model").asText();
        String key = apiKey(p.path("api_key_env").asText(null), env);
        URI uri = ChatCompletion.endpoint(p.path("base_url").asText());
        Integer maxTokens = p.path("max_tokens").isIntegralNumber() ? p.path("max_tokens").asInt() : null;
        Double temperature = p.path("temperature").isNumber() ? p.path("temperature").asDouble() : null;
        byte[] body = Json.write(ChatCompletion.body(model, p.path("system").asText(null), p.path("prompt").asText(), maxTokens, temperature))
                .getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        if (key != null) headers.put("Authorization", "Bearer " + key);
        Duration timeout = Duration.ofMillis(p.path("timeout_ms").asLong(AgentAction.DEFAULT_TIMEOUT.toMillis()));
        int maxRetries = p.path("max_retries").asInt(AgentAction.DEFAULT_RETRIES);
        SafeFetch.Request req = new SafeFetch.Request("POST", uri, headers, body, "application/json", timeout, 0, MAX_BODY, null);
        String where = "POST " + uri;
        for (int request = 1; ; request++) {
            String retryAfter = null;
            String problem;
            try {
                SafeFetch.Response resp = fetch.fetch(req);
                int status = resp.status();
                if (status >= 200 && status < 300) return result(ctx, resp, model, p, request);
                String excerpt = ChatCompletion.excerpt(resp.text());
                problem = where + " returned " + status + (excerpt.isEmpty() ? "" : ": " + excerpt);
                if (status != 429 && status < 500) throw new PermanentFailure("agent: " + problem);
                retryAfter = resp.headers().get("retry-after");
            } catch (NetworkPolicy.DeniedAddressException e) {
                throw new PermanentFailure("agent: " + where + " refused: " + e.getMessage(), e);
            } catch (SafeFetch.FetchException e) {
                problem = e.getMessage();
            }
            if (request > maxRetries) {
                throw new PermanentFailure("agent: " + problem + (request > 1 ? " (gave up after " + request + " requests)" : ""));
            }
            Duration wait = RetryAfter.delay(retryAfter, request, clock);
            ctx.warn(problem + "; retrying in " + Durations.format(wait) + " (request " + (request + 1) + " of " + (maxRetries + 1) + ")");
            pause(ctx, wait);
        }
    }

    private ObjectNode result(JobContext ctx, SafeFetch.Response resp, String model, JsonNode p, int requests) {
        if (resp.truncated()) throw new PermanentFailure("agent: the response is longer than " + MAX_BODY + " bytes");
        ChatCompletion.Answer a;
        try {
            a = ChatCompletion.parse(resp.body(), model);
        } catch (IllegalArgumentException e) {
            throw new PermanentFailure("agent: " + e.getMessage());
        }
        ctx.info(a.model() + " answered (" + a.finishReason() + ", " + a.usage().totalTokens() + " tokens"
                + (requests > 1 ? ", request " + requests : "") + ")");
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("answer", a.text());
        out.put("model", a.model());
        out.put("finish_reason", a.finishReason());
        out.set("usage", a.usage().toJson());
        out.put("source_job", p.path("source_job").asText(null));
        out.put("url", p.path("url").asText(null));
        out.put("requests", requests);
        return out;
    }

    /** Waits, in short slices so that a cancel is seen within 100 ms. */
    private static void pause(JobContext ctx, Duration wait) throws InterruptedException {
        long end = System.nanoTime() + wait.toNanos();
        while (true) {
            if (ctx.isCancelled()) throw new JobCancelledException(ctx.id());
            long left = end - System.nanoTime();
            if (left <= 0) return;
            Thread.sleep(Duration.ofNanos(Math.min(left, 100_000_000L)));
        }
    }
}
