package io.ordo.core.handler;

/**
 * Thrown by a handler to fail its job now, without the retries it has left: for errors that
 * another attempt cannot fix (bad input, a 404, a command that exited non-zero by design).
 */
public class PermanentFailure extends RuntimeException {
    public PermanentFailure(String message) {
        super(message);
    }

    public PermanentFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
