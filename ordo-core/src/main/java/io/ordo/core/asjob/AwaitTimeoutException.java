package io.ordo.core.asjob;

import io.ordo.core.model.Job;
import io.ordo.core.util.Durations;

import java.time.Duration;

/** {@link JobHandle#await(Duration)} gave up: the job had not ended within the wait. The job goes on. */
public final class AwaitTimeoutException extends AsJobException {
    private final transient Duration waited;

    AwaitTimeoutException(Job job, Duration waited) {
        super("await_timeout", describe(job) + " is still " + job.status().wireName() + " after waiting "
                + Durations.format(waited), job);
        this.waited = waited;
    }

    public Duration waited() {
        return waited;
    }
}
