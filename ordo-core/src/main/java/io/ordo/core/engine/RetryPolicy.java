package io.ordo.core.engine;

import io.ordo.core.OrdoConfig;
import io.ordo.core.handler.JobTypeOptions;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.Failure;

import java.time.Duration;
import java.time.Instant;

/** Decides what follows a failed attempt: a retry after backoff, or failed (dead letter). */
public final class RetryPolicy {
    private final OrdoConfig config;
    private final HandlerRegistry handlers;

    public RetryPolicy(OrdoConfig config, HandlerRegistry handlers) {
        this.config = config;
        this.handlers = handlers;
    }

    public Failure decide(Job job, AttemptError error, Instant now) {
        if (job.attempt() >= job.maxAttempts()) {
            return new Failure(job.lease(), error, JobStatus.FAILED, null, now);
        }
        Duration delay = delay(job);
        if (delay.isZero()) return new Failure(job.lease(), error, JobStatus.PENDING, now, now);
        return new Failure(job.lease(), error, JobStatus.SCHEDULED, now.plus(delay), now);
    }

    /** Backoff before the next attempt: the job's own setting, else its type's, else the engine's. */
    public Duration delay(Job job) {
        JobTypeOptions type = handlers.get(job.type()).map(h -> h.options()).orElse(JobTypeOptions.DEFAULTS);
        Duration base = first(job.backoffBase(), type.backoffBase(), config.backoffBase());
        Duration cap = first(job.backoffCap(), type.backoffCap(), config.backoffCap());
        return Backoff.delay(job.attempt(), base, cap);
    }

    private static Duration first(Duration a, Duration b, Duration c) {
        return a != null ? a : b != null ? b : c;
    }
}
