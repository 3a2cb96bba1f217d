package io.ordo.core.store.memory;

import io.ordo.core.model.Dependency;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.DependencyRules;
import io.ordo.core.store.DependencyStore.Release;
import io.ordo.core.store.DependsOn;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Uuids;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The in-memory store's dependencies, as the SQL stores' {@code ordo_job_deps}: one entry per waiting
 * dependant, and an index by dependency. Every method runs under the table's lock.
 */
final class MemoryDependencies {
    private final MemoryTable table;
    /** Dependant -> what it waits for; only jobs still waiting have an entry. */
    private final NavigableMap<UUID, DependsOn> byJob = new TreeMap<>(Uuids.ORDER);
    private final Map<UUID, Set<UUID>> byDependency = new HashMap<>();

    MemoryDependencies(MemoryTable table) {
        this.table = table;
    }

    List<SubmitResult> insert(List<NewJob> jobs, InsertOptions options, List<DependsOn> deps) {
        Set<UUID> batch = new HashSet<>();
        jobs.forEach(n -> batch.add(n.id()));
        Set<UUID> stored = new HashSet<>();
        for (DependsOn d : deps) for (UUID on : d.on()) if (table.rows.containsKey(on)) stored.add(on);
        DependencyRules.checkKnown(jobs, deps, batch, stored);
        List<SubmitResult> results = new ArrayList<>(table.insertLocked(jobs, options));
        Map<UUID, UUID> resolved = new HashMap<>();
        Map<UUID, Integer> index = new HashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            resolved.put(jobs.get(i).id(), results.get(i).job().id());
            index.put(jobs.get(i).id(), i);
        }
        Instant now = jobs.get(0).createdAt();
        for (DependsOn d : deps) {
            int i = index.get(d.jobId());
            if (!results.get(i).created()) continue;
            List<UUID> on = d.on().stream().map(id -> resolved.getOrDefault(id, id)).distinct().toList();
            add(new DependsOn(d.jobId(), on, d.runOnFailure()));
            if (release(d.jobId(), now).moved() != null) results.set(i, new SubmitResult(table.rows.get(d.jobId()).toJob(), true));
        }
        return results;
    }

    private void add(DependsOn d) {
        byJob.put(d.jobId(), d);
        for (UUID on : d.on()) byDependency.computeIfAbsent(on, k -> new HashSet<>()).add(d.jobId());
    }

    private void drop(UUID jobId) {
        DependsOn d = byJob.remove(jobId);
        if (d == null) return;
        for (UUID on : d.on()) {
            Set<UUID> s = byDependency.get(on);
            if (s != null && s.remove(jobId) && s.isEmpty()) byDependency.remove(on);
        }
    }

    List<UUID> dependants(java.util.Collection<UUID> jobIds) {
        Set<UUID> out = new java.util.LinkedHashSet<>();
        for (UUID id : jobIds) out.addAll(byDependency.getOrDefault(id, Set.of()));
        return List.copyOf(out);
    }

    List<Dependency> dependencies(UUID jobId) {
        DependsOn d = byJob.get(jobId);
        if (d == null) return List.of();
        return d.on().stream().map(on -> {
            MemoryRow r = table.rows.get(on);
            return new Dependency(on, r == null ? null : r.status);
        }).toList();
    }

    Release release(UUID jobId, Instant now) {
        DependsOn d = byJob.get(jobId);
        MemoryRow r = table.rows.get(jobId);
        if (d == null) return new Release(null, Optional.ofNullable(r).map(MemoryRow::toJob));
        if (r == null || r.status != JobStatus.WAITING || r.attempt != 0) { // deleted or cancelled meanwhile
            drop(jobId);
            return new Release(null, Optional.ofNullable(r).map(MemoryRow::toJob));
        }
        DependencyRules.Verdict v = DependencyRules.decide(dependencies(jobId), d.runOnFailure());
        if (v.to() == null) return new Release(null, Optional.of(r.toJob()));
        table.move(r, v.to(), now);
        if (v.to() == JobStatus.SKIPPED) {
            r.finishedAt = now;
            r.error = v.error();
        } else {
            r.startedAt = null;
        }
        drop(jobId);
        return new Release(v.to(), Optional.of(r.toJob()));
    }

    List<UUID> waiting(UUID after, int limit) {
        NavigableMap<UUID, DependsOn> tail = after == null ? byJob : byJob.tailMap(after, false);
        return tail.keySet().stream().limit(limit).toList();
    }
}
