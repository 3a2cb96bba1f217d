package io.ordo.core.engine;

import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;

import java.time.Instant;

/** What the worker pool tells about the jobs it runs: for queue stats, metrics and live events. */
public interface JobObserver {
    /** A job was claimed by this node and is about to run. */
    default void claimed(Job job, Instant now) {
    }

    /** A job's attempt ended: {@code status} is its new status (completed, waiting, failed, scheduled, pending, cancelled). */
    default void ended(Job job, JobStatus status, String error, Instant now) {
    }

    /** Composes observers; one that throws does not stop the others. */
    static JobObserver all(JobObserver... observers) {
        return new JobObserver() {
            @Override
            public void claimed(Job job, Instant now) {
                for (JobObserver o : observers) {
                    try {
                        o.claimed(job, now);
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(JobObserver.class).warn("observer failed", e);
                    }
                }
            }

            @Override
            public void ended(Job job, JobStatus status, String error, Instant now) {
                for (JobObserver o : observers) {
                    try {
                        o.ended(job, status, error, now);
                    } catch (RuntimeException e) {
                        org.slf4j.LoggerFactory.getLogger(JobObserver.class).warn("observer failed", e);
                    }
                }
            }
        };
    }
}
