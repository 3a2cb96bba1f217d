package io.ordo.core.engine.isolation;

/**
 * A process-isolated attempt failed: the handler threw in the child, the child exited without a
 * result, or it could not start. The message is already worded for the job's error (the node
 * stores it as is, like a {@link io.ordo.core.handler.PermanentFailure}'s), and the attempt is
 * retried per the job's policy.
 */
public final class IsolatedFailure extends RuntimeException {
    public IsolatedFailure(String message) {
        super(message);
    }

    public IsolatedFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
