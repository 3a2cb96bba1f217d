package io.ordo.core.handler;

import java.util.UUID;

/** Thrown by {@link JobContext#checkCancelled()}; lets a handler unwind when its job was cancelled. */
public class JobCancelledException extends RuntimeException {
    public JobCancelledException(UUID id) {
        super("job " + id + " was cancelled");
    }
}
