package io.ordo.core.store;

import io.ordo.core.model.Job;

import java.util.List;
import java.util.UUID;

/**
 * @param job             the job after the cancel
 * @param cancelled       jobs (it and descendants) that went to cancelled at once
 * @param cancelRequested running jobs that were asked to stop; they end cancelled when their worker stops
 */
public record CancelResult(Job job, List<UUID> cancelled, List<UUID> cancelRequested) {
    public CancelResult {
        cancelled = List.copyOf(cancelled);
        cancelRequested = List.copyOf(cancelRequested);
    }
}
