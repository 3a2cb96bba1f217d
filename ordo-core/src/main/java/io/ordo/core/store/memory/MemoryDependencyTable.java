package io.ordo.core.store.memory;

import io.ordo.core.model.NewJob;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.SubmitResult;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The in-memory store's {@link io.ordo.core.store.DependencyStore} methods, each under the table's
 * lock; the logic is {@link MemoryDependencies}'. A layer of its own, as the store's class is at its
 * size limit.
 */
abstract class MemoryDependencyTable extends MemorySchedules {
    private final MemoryDependencies deps = new MemoryDependencies(this);

    @Override
    public List<SubmitResult> insert(List<NewJob> jobs, InsertOptions options, List<io.ordo.core.store.DependsOn> dependsOn) {
        return locked(() -> deps.insert(jobs, options, dependsOn));
    }

    @Override
    public List<UUID> dependants(java.util.Collection<UUID> jobIds) {
        return locked(() -> deps.dependants(jobIds));
    }

    @Override
    public Release release(UUID jobId, Instant now) {
        return locked(() -> deps.release(jobId, now));
    }

    @Override
    public List<UUID> waitingOnDependencies(UUID after, int limit) {
        return locked(() -> deps.waiting(after, limit));
    }

    @Override
    public List<io.ordo.core.model.Dependency> dependencies(UUID jobId) {
        return locked(() -> deps.dependencies(jobId));
    }
}
