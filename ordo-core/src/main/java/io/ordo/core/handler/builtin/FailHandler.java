package io.ordo.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;

import java.util.Map;

/**
 * {@code fail}: {@code {"times": N, "message": "..."}} fails attempts 1..N with the message, then
 * succeeds. Without {@code times} it always fails.
 */
public final class FailHandler implements JobHandler {
    @Override
    public String type() {
        return "fail";
    }

    @Override
    public void validate(JsonNode payload) {
        JsonNode times = payload.get("times");
        if (times != null && (!times.isIntegralNumber() || times.asLong() < 0)) {
            throw new InvalidRequestException("fail: payload field 'times' must be a non-negative integer");
        }
        JsonNode msg = payload.get("message");
        if (msg != null && !msg.isTextual()) throw new InvalidRequestException("fail: payload field 'message' must be a string");
    }

    @Override
    public Object run(JobContext ctx) {
        JsonNode times = ctx.payload().get("times");
        long failTimes = times == null ? Long.MAX_VALUE : times.asLong();
        String message = ctx.payload().path("message").asText("fail job: planned failure");
        if (ctx.attempt() <= failTimes) throw new PlannedFailure(message + " (attempt " + ctx.attempt() + ")");
        return Map.of("succeeded_on_attempt", ctx.attempt());
    }

    /** The failure this handler throws on purpose. */
    public static final class PlannedFailure extends RuntimeException {
        PlannedFailure(String message) {
            super(message, null, false, false);
        }
    }
}
