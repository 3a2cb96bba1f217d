package io.ordo.core.store.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.ResultScope;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The in-memory store's saved results, indexed by tree (every listing and count stays within one
 * root's results) and by job (deleting a job drops its own). Used under the store's lock.
 */
final class MemoryResults {
    record Entry(long id, UUID jobId, UUID rootId, UUID parentId, UUID scopeId, String title, String reference,
                 JsonNode data, Instant createdAt, Instant expiresAt) {
    }

    private long seq;
    private final Map<UUID, TreeMap<Long, Entry>> byRoot = new HashMap<>();
    private final Map<UUID, List<Long>> byJob = new HashMap<>();
    private final TreeMap<Long, Entry> all = new TreeMap<>();

    Entry add(MemoryRow r, JsonNode data, String title, String reference, Instant createdAt, Instant expiresAt) {
        Entry e = new Entry(++seq, r.id, r.rootId, r.parentId, r.scopeId, title, reference,
                data == null ? null : data.deepCopy(), createdAt, expiresAt);
        byRoot.computeIfAbsent(r.rootId, k -> new TreeMap<>()).put(e.id(), e);
        byJob.computeIfAbsent(r.id, k -> new ArrayList<>()).add(e.id());
        all.put(e.id(), e);
        return e;
    }

    /** Up to {@code limit} entries of {@code scope} in tree {@code rootId} with an id below {@code before}, newest first. */
    List<Entry> page(ResultScope scope, UUID rootId, long before, int limit) {
        List<Entry> out = new ArrayList<>();
        NavigableMap<Long, Entry> tree = byRoot.get(rootId);
        if (tree == null) return out;
        for (Entry e : tree.headMap(before, false).descendingMap().values()) {
            if (out.size() == limit) break;
            if (covers(scope, e)) out.add(e);
        }
        return out;
    }

    long count(ResultScope scope, UUID rootId) {
        TreeMap<Long, Entry> tree = byRoot.get(rootId);
        return tree == null ? 0 : tree.values().stream().filter(e -> covers(scope, e)).count();
    }

    private static boolean covers(ResultScope s, Entry e) {
        return switch (s.kind()) {
            case TREE -> s.id().equals(e.rootId());
            case SCOPE -> s.id().equals(e.scopeId());
            case CHILDREN -> s.id().equals(e.jobId()) || s.id().equals(e.parentId());
        };
    }

    int deleteExpired(Instant now, int limit) {
        List<Entry> doomed = all.values().stream()
                .filter(e -> e.expiresAt() != null && !e.expiresAt().isAfter(now)).limit(limit).toList();
        doomed.forEach(this::drop);
        return doomed.size();
    }

    void removeJob(UUID jobId) {
        List<Long> ids = byJob.remove(jobId);
        if (ids == null) return;
        for (Long id : ids) {
            Entry e = all.remove(id);
            if (e != null) dropFromRoot(e);
        }
    }

    private void drop(Entry e) {
        all.remove(e.id());
        List<Long> ids = byJob.get(e.jobId());
        if (ids != null) {
            ids.remove(e.id());
            if (ids.isEmpty()) byJob.remove(e.jobId());
        }
        dropFromRoot(e);
    }

    private void dropFromRoot(Entry e) {
        TreeMap<Long, Entry> tree = byRoot.get(e.rootId());
        if (tree == null) return;
        tree.remove(e.id());
        if (tree.isEmpty()) byRoot.remove(e.rootId());
    }
}
