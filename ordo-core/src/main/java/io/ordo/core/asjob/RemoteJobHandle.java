package io.ordo.core.asjob;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.Jobs;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.util.Json;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A handle on a stored job. Waiting polls the store (so it works whichever node runs the job),
 * starting at a few milliseconds and backing off to {@value #MAX_POLL_MS} ms.
 */
final class RemoteJobHandle<R> implements JobHandle<R> {
    static final long MAX_POLL_MS = 200;

    private final Jobs jobs;
    private final Clock clock;
    private final UUID id;
    private final JavaType resultType;

    RemoteJobHandle(Jobs jobs, Clock clock, UUID id, JavaType resultType) {
        this.jobs = jobs;
        this.clock = clock;
        this.id = id;
        this.resultType = resultType;
    }

    @Override
    public UUID id() {
        return id;
    }

    @Override
    public Job job() {
        return jobs.require(id);
    }

    @Override
    public R await() {
        return waitFor(null);
    }

    @Override
    public R await(Duration timeout) {
        if (timeout == null || timeout.isNegative()) throw new IllegalArgumentException("await timeout must be zero or positive (got " + timeout + ")");
        return waitFor(timeout);
    }

    @Override
    public void cancel() {
        jobs.cancel(id);
    }

    private R waitFor(Duration timeout) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + safeNanos(timeout);
        long pollMs = 2;
        while (true) {
            Job job = jobs.require(id);
            if (job.isTerminal()) return outcome(job);
            long left = deadline - System.nanoTime();
            if (left <= 0) throw new AwaitTimeoutException(job, timeout);
            try {
                Thread.sleep(Math.max(1, Math.min(pollMs, left / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AsJobException("interrupted", "interrupted while waiting for " + AsJobException.describe(job), job, e);
            }
            pollMs = Math.min(MAX_POLL_MS, pollMs * 2);
        }
    }

    private static long safeNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    /** The result of a terminal job, or why there is none. */
    R outcome(Job job) {
        if (job.status() != JobStatus.COMPLETED) throw new JobFailedException(job);
        JsonNode result = job.result();
        Instant expires = job.resultExpiresAt();
        // cleared by the engine, or past its expiry and not yet cleared: expired either way
        if (expires != null && (result == null || !expires.isAfter(clock.instant()))) throw new ResultExpiredException(job);
        if (result == null || result.isNull()) return null;
        try {
            return Json.MAPPER.treeToValue(result, resultType);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new AsJobException("result_mismatch", "the result of " + AsJobException.describe(job) + " does not fit "
                    + resultType.toCanonical() + ": " + why, job, e);
        }
    }

    @Override
    public String toString() {
        return "JobHandle[" + id + "]";
    }
}
