package io.ordo.core.store.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.Page;
import io.ordo.core.model.ResultScope;
import io.ordo.core.model.SavedResult;
import io.ordo.core.util.Cursors;
import io.ordo.core.util.Json;

import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/** The in-memory store's saved results and the continuation of waiting parents (the JobStore methods). */
abstract class MemoryResultTable extends MemoryTable {

    @Override
    public OptionalLong appendResult(Lease lease, JsonNode data, String title, String reference, Instant expiresAt, Instant now) {
        return locked(() -> {
            MemoryRow r = leased(lease);
            if (r == null) return OptionalLong.empty();
            Instant expires = expiresAt != null ? expiresAt : r.resultTtl == null ? null : now.plus(r.resultTtl);
            MemoryResults.Entry e = results.add(r, data, title, reference, now, expires);
            r.result = data == null ? null : data.deepCopy();
            r.resultExpiresAt = expiresAt;
            r.updatedAt = now;
            return OptionalLong.of(e.id());
        });
    }

    @Override
    public Page<SavedResult> savedResults(ResultScope scope, String cursor, int limit) {
        long before = Cursors.decodeSeq(cursor);
        return locked(() -> {
            UUID root = rootOf(scope);
            if (root == null) return new Page<>(List.of(), null);
            List<MemoryResults.Entry> page = results.page(scope, root, before, limit + 1);
            boolean more = page.size() > limit;
            List<SavedResult> items = page.stream().limit(limit).map(this::saved).toList();
            return new Page<>(items, more ? Cursors.encodeSeq(items.get(items.size() - 1).id()) : null);
        });
    }

    @Override
    public long countSavedResults(ResultScope scope) {
        return locked(() -> {
            UUID root = rootOf(scope);
            return root == null ? 0L : results.count(scope, root);
        });
    }

    @Override
    public int deleteExpiredResults(Instant now, int limit) {
        return locked(() -> results.deleteExpired(now, limit));
    }

    @Override
    public boolean resumeWaiting(UUID id, int continuation, Instant now) {
        return locked(() -> {
            MemoryRow r = rows.get(id);
            if (r == null || r.status != JobStatus.WAITING) return false;
            merge(r, Json.MAPPER.createObjectNode().put("continuation", continuation).put("continue_after_children", false));
            r.maxAttempts++;
            r.runAt = now;
            move(r, JobStatus.PENDING, now);
            return true;
        });
    }

    private UUID rootOf(ResultScope scope) {
        MemoryRow r = rows.get(scope.id());
        return r == null ? null : r.rootId;
    }

    private SavedResult saved(MemoryResults.Entry e) {
        MemoryRow job = rows.get(e.jobId());
        return new SavedResult(e.id(), e.jobId(), job == null ? null : job.type, job == null ? null : job.step,
                job == null ? null : job.status, e.title(), e.reference(), e.data() == null ? null : e.data().deepCopy(),
                e.createdAt(), e.expiresAt());
    }
}
