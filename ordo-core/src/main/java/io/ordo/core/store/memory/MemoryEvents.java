package io.ordo.core.store.memory;

import io.ordo.core.event.EventTypes;
import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredPayloads;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The in-memory store's counterpart of the JDBC stores' event triggers: status changes, spawns and
 * log lines noted during one operation become events when the operation ends (so they carry the
 * rows' final state, as a trigger sees them at the end of its statement), or are forgotten when it
 * fails. Payloads are the triggers' ones, completed by {@link StoredPayloads} as the JDBC stores'
 * are when read.
 */
final class MemoryEvents {
    private static final Set<JobStatus> WITH_ERROR = EnumSet.of(JobStatus.FAILED, JobStatus.CANCELLED,
            JobStatus.SCHEDULED, JobStatus.PENDING, JobStatus.SKIPPED);

    private final List<Object> noted = new ArrayList<>();

    void statusChanged(MemoryRow r) {
        noted.add(r);
    }

    void spawned(MemoryRow r) {
        noted.add(new Spawn(r));
    }

    void logged(MemoryRow r, JobLog line) {
        noted.add(new Line(r, line));
    }

    /** The events of the operation that ends now, in the order noted. */
    List<OrdoEvent> take() {
        if (noted.isEmpty()) return List.of();
        List<OrdoEvent> out = new ArrayList<>(noted.size());
        for (Object o : noted) {
            out.add(switch (o) {
                case MemoryRow r -> status(r);
                case Spawn s -> spawn(s.row());
                case Line l -> log(l.row(), l.line());
                default -> throw new IllegalStateException(o.toString());
            });
        }
        noted.clear();
        return out;
    }

    void forget() {
        noted.clear();
    }

    private static OrdoEvent status(MemoryRow r) {
        Map<String, Object> p = base(r);
        p.put("type", r.type);
        p.put("queue", r.queue);
        p.put("status", r.status.wireName());
        p.put("attempt", r.attempt);
        p.put("max_attempts", r.maxAttempts);
        if (WITH_ERROR.contains(r.status) && r.error != null) p.put("error", r.error);
        if (r.meta != null && r.meta.hasNonNull("warning")) p.put("warning", r.meta.get("warning").asText());
        return event(EventTypes.JOB_STATUS_CHANGE, r, p, r.updatedAt);
    }

    private static OrdoEvent spawn(MemoryRow r) {
        Map<String, Object> p = base(r);
        p.put("type", r.type);
        // a step job (its parent is the run, its root) names its step; its children carry it but were no step
        String step = r.parentId.equals(r.rootId) ? r.step : null;
        if (step != null) p.put("step", step);
        String ref = r.uniqueKey != null ? r.uniqueKey : step;
        if (ref != null) p.put("item_reference", ref);
        p.put("depth", r.depth);
        p.put("status", r.status.wireName());
        return event(EventTypes.JOB_SPAWN, r, p, r.createdAt);
    }

    private static OrdoEvent log(MemoryRow r, JobLog line) {
        Map<String, Object> p = base(r);
        p.put("level", line.level().wireName());
        p.put("message", line.message());
        p.put("metadata", Map.of("depth", r.depth, "job_type", r.type, "attempt", line.attempt()));
        return event(EventTypes.JOB_LOG, r, p, line.at());
    }

    /** What a trigger stores, completed as a JDBC store completes it when reading. */
    private static OrdoEvent event(String type, MemoryRow r, Map<String, Object> p, Instant at) {
        return new OrdoEvent(type, r.id, r.rootId, StoredPayloads.complete(type, r.id, r.rootId, at, p), at);
    }

    private static Map<String, Object> base(MemoryRow r) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (r.parentId != null) p.put("parent_id", r.parentId.toString());
        return p;
    }

    private record Spawn(MemoryRow row) {
    }

    private record Line(MemoryRow row, JobLog line) {
    }
}
