package io.ordo.core.asjob;

import io.ordo.core.OrdoException;
import io.ordo.core.model.Job;

/**
 * Waiting for an {@link AsJob} result did not produce one. Carries the job as last read from the
 * store; the subclasses say why: {@link JobFailedException}, {@link ResultExpiredException},
 * {@link AwaitTimeoutException}. Code {@code interrupted}: the waiting thread was interrupted (its
 * interrupt flag is set again); {@code result_mismatch}: the stored result does not fit the
 * declared result type.
 */
public class AsJobException extends OrdoException {
    private final transient Job job;

    public AsJobException(String code, String message, Job job) {
        super(code, message);
        this.job = job;
    }

    public AsJobException(String code, String message, Job job, Throwable cause) {
        super(code, message, cause);
        this.job = job;
    }

    /** The job as last read (status, error, attempts, timestamps). */
    public Job job() {
        return job;
    }

    static String describe(Job job) {
        return "job " + job.id() + " (" + job.type() + ")";
    }
}
