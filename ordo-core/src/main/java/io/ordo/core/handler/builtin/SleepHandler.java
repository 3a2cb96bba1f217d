package io.ordo.core.handler.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;

import java.util.Map;

/** {@code sleep}: {@code {"ms": N}} sleeps N milliseconds, reporting progress; stops when cancelled. */
public final class SleepHandler implements JobHandler {
    private static final long STEP_MS = 100;

    @Override
    public String type() {
        return "sleep";
    }

    @Override
    public void validate(JsonNode payload) {
        JsonNode ms = payload.get("ms");
        if (ms == null || !ms.canConvertToLong() || !ms.isIntegralNumber() || ms.asLong() < 0) {
            throw new InvalidRequestException("sleep: payload field 'ms' must be a non-negative integer (milliseconds)");
        }
    }

    @Override
    public Object run(JobContext ctx) throws InterruptedException {
        long total = ctx.payload().get("ms").asLong();
        long slept = 0;
        while (slept < total) {
            ctx.checkCancelled();
            long step = Math.min(STEP_MS, total - slept);
            Thread.sleep(step);
            slept += step;
            if (total >= 1000 && slept % 1000 < STEP_MS) ctx.progress(slept, total, slept + "/" + total + " ms");
        }
        return Map.of("slept_ms", total);
    }
}
