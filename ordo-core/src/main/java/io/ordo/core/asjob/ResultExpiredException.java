package io.ordo.core.asjob;

import io.ordo.core.model.Job;

import java.time.Instant;

/** The job completed, but its result outlived its {@link AsJob#resultTtl()} and was cleared. */
public final class ResultExpiredException extends AsJobException {
    ResultExpiredException(Job job) {
        super("result_expired", describe(job) + " completed at " + job.finishedAt() + ", but its result expired at "
                + job.resultExpiresAt() + " (result TTL " + io.ordo.core.util.Durations.format(job.resultTtl()) + ")", job);
    }

    /** When the result expired. */
    public Instant expiredAt() {
        return job().resultExpiresAt();
    }
}
