package io.ordo.core.store.memory;

import io.ordo.core.model.JobStatus;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** The in-memory store's counters by queue, by parent and by scope; kept as rows enter and leave states. */
final class MemoryCounters {
    private final Map<String, Map<JobStatus, Long>> byQueue = new TreeMap<>();
    private final Map<String, Map<JobStatus, Long>> byType = new HashMap<>();
    private final Map<UUID, Map<JobStatus, Long>> byParent = new HashMap<>();
    private final Map<UUID, Map<JobStatus, Long>> byScope = new HashMap<>();

    void enter(MemoryRow r) {
        add(r, 1);
    }

    void leave(MemoryRow r) {
        add(r, -1);
    }

    private void add(MemoryRow r, long d) {
        bump(byQueue, r.queue, r.status, d);
        bump(byType, r.type, r.status, d);
        if (r.parentId != null) bump(byParent, r.parentId, r.status, d);
        if (r.scopeId != null && !r.scopeId.equals(r.id)) bump(byScope, r.scopeId, r.status, d);
    }

    private static <K> void bump(Map<K, Map<JobStatus, Long>> m, K key, JobStatus s, long d) {
        Map<JobStatus, Long> row = m.computeIfAbsent(key, k -> new EnumMap<>(JobStatus.class));
        row.merge(s, d, Long::sum);
    }

    long queue(String queue, JobStatus s) {
        return byQueue.getOrDefault(queue, Map.of()).getOrDefault(s, 0L);
    }

    long type(String type, JobStatus s) {
        return byType.getOrDefault(type, Map.of()).getOrDefault(s, 0L);
    }

    Map<String, Map<JobStatus, Long>> queues() {
        Map<String, Map<JobStatus, Long>> out = new TreeMap<>();
        byQueue.forEach((q, m) -> {
            Map<JobStatus, Long> copy = nonZero(m);
            if (!copy.isEmpty()) out.put(q, copy);
        });
        return out;
    }

    Map<JobStatus, Long> children(UUID parent) {
        return nonZero(byParent.getOrDefault(parent, Map.of()));
    }

    Map<JobStatus, Long> scope(UUID scope) {
        return nonZero(byScope.getOrDefault(scope, Map.of()));
    }

    private static Map<JobStatus, Long> nonZero(Map<JobStatus, Long> m) {
        Map<JobStatus, Long> copy = new EnumMap<>(JobStatus.class);
        m.forEach((s, n) -> {
            if (n != 0) copy.put(s, n);
        });
        return copy;
    }
}
