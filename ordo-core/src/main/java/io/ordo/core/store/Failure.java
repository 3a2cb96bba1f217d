package io.ordo.core.store;

import io.ordo.core.model.AttemptError;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;

import java.time.Instant;

/**
 * A failed attempt and what follows it: {@code next} is {@link JobStatus#SCHEDULED} (retry at
 * {@code runAt}), {@link JobStatus#PENDING} (retry now) or {@link JobStatus#FAILED} (dead).
 */
public record Failure(Lease lease, AttemptError error, JobStatus next, Instant runAt, Instant now) {
    public Failure {
        if (next != JobStatus.SCHEDULED && next != JobStatus.PENDING && next != JobStatus.FAILED) {
            throw new IllegalArgumentException("a failure leads to scheduled, pending or failed, not " + next);
        }
        if (next == JobStatus.SCHEDULED && runAt == null) throw new IllegalArgumentException("retry needs runAt");
    }
}
