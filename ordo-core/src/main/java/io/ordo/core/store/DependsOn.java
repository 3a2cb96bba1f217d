package io.ordo.core.store;

import java.util.List;
import java.util.UUID;

/**
 * What a job being inserted depends on: ids of stored jobs or of jobs of the same batch.
 *
 * @param jobId        the dependant (a job of the batch)
 * @param on           the jobs it waits for
 * @param runOnFailure run it even if one of them fails, is cancelled or skipped
 */
public record DependsOn(UUID jobId, List<UUID> on, boolean runOnFailure) {
    public DependsOn {
        on = List.copyOf(on);
    }
}
