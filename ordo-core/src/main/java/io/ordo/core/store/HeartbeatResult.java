package io.ordo.core.store;

import java.util.Set;
import java.util.UUID;

/**
 * @param lost            jobs whose lease is no longer this worker's: stop them, their writes will be rejected
 * @param cancelRequested jobs that someone asked to cancel while they run
 */
public record HeartbeatResult(Set<UUID> lost, Set<UUID> cancelRequested) {
    public HeartbeatResult {
        lost = Set.copyOf(lost);
        cancelRequested = Set.copyOf(cancelRequested);
    }
}
