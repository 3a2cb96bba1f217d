package io.ordo.core.model;

import java.util.UUID;

/**
 * One job another job depends on, as seen now.
 *
 * @param status its status, or null when it is gone (pruned after it ended: counts as completed)
 */
public record Dependency(UUID id, JobStatus status) {
    /** Neither completed nor gone: the dependant still waits for it (or is skipped for it). */
    public boolean done() {
        return status == null || status.isTerminal();
    }

    /** Ended without completing: failed, cancelled or skipped. */
    public boolean failed() {
        return status != null && status.isTerminal() && status != JobStatus.COMPLETED;
    }
}
