package io.ordo.core.asjob;

import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;

import java.util.List;

/**
 * The job ended without a result: it failed (attempts used up, or a permanent failure), was
 * cancelled, or was skipped. {@link #error()} is the job's last error as stored, {@link #reason()}
 * why its last attempt ended ({@code error}, {@code timeout}, {@code lease_expired},
 * {@code cancelled}, ...).
 */
public final class JobFailedException extends AsJobException {
    JobFailedException(Job job) {
        super("job_" + job.status().wireName(), message(job), job);
    }

    private static String message(Job job) {
        AttemptError last = last(job);
        String attempts = job.attempt() + (job.attempt() == 1 ? " attempt" : " attempts");
        return switch (job.status()) {
            case CANCELLED -> describe(job) + " was cancelled" + (job.error() == null ? "" : ": " + job.error());
            case SKIPPED -> describe(job) + " was skipped" + (job.error() == null ? "" : ": " + job.error());
            default -> describe(job) + " failed after " + attempts
                    + (last == null ? "" : " (" + last.reason() + ")")
                    + (job.error() == null ? "" : ": " + job.error());
        };
    }

    private static AttemptError last(Job job) {
        List<AttemptError> errors = job.errors();
        return errors.isEmpty() ? null : errors.get(errors.size() - 1);
    }

    /** {@code failed}, {@code cancelled} or {@code skipped}. */
    public JobStatus status() {
        return job().status();
    }

    /** The job's last error message as stored (e.g. {@code "IllegalStateException: no such document"}), or null. */
    public String error() {
        return job().error();
    }

    /** Why the last attempt ended: {@code error}, {@code timeout}, {@code lease_expired}, ...; null if none was recorded. */
    public String reason() {
        AttemptError last = last(job());
        if (last != null) return last.reason();
        return job().status() == JobStatus.CANCELLED ? AttemptError.CANCELLED : null;
    }

    /** Every failed attempt, oldest first. */
    public List<AttemptError> attempts() {
        return job().errors();
    }
}
