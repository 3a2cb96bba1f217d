package io.ordo.core.store.memory;

import io.ordo.core.event.EventTypes;
import io.ordo.core.event.OrdoEvent;
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
 * fails. Payloads match the triggers'.
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
        p.put("job_type", r.type);
        p.put("queue", r.queue);
        p.put("status", r.status.wireName());
        p.put("attempt", r.attempt);
        p.put("max_attempts", r.maxAttempts);
        if (WITH_ERROR.contains(r.status) && r.error != null) p.put("error", r.error);
        if (r.meta != null && r.meta.hasNonNull("warning")) p.put("warning", r.meta.get("warning").asText());
        p.put("timestamp", io.ordo.core.event.StoredPayloads.TIME.format(r.updatedAt));
        return new OrdoEvent(EventTypes.JOB_STATUS_CHANGE, r.id, r.rootId, p, r.updatedAt);
    }

    private static OrdoEvent spawn(MemoryRow r) {
        Map<String, Object> p = base(r);
        p.put("type", r.type);
        // a step job (its parent is the run, its root) names its step; its children carry it but were no step
        String step = r.parentId.equals(r.rootId) ? r.step : null;
        if (step != null) p.put("step", step);
        p.put("parent_job_id", r.parentId.toString());
        p.put("discovered_by", r.parentId.toString());
        p.put("child_job_id", r.id.toString());
        p.put("job_type", r.type);
        String ref = r.uniqueKey != null ? r.uniqueKey : step;
        if (ref != null) p.put("item_reference", ref);
        p.put("depth", r.depth);
        p.put("status", r.status.wireName());
        p.put("timestamp", io.ordo.core.event.StoredPayloads.TIME.format(r.createdAt));
        return new OrdoEvent(EventTypes.JOB_SPAWN, r.id, r.rootId, p, r.createdAt);
    }

    private static OrdoEvent log(MemoryRow r, JobLog line) {
        Map<String, Object> p = base(r);
        Instant at = line.at();
        p.put("timestamp", io.ordo.core.event.StoredPayloads.TIME.format(at));
        p.put("level", line.level().wireName());
        p.put("message", line.message());
        p.put("metadata", Map.of("depth", r.depth, "job_type", r.type, "attempt", line.attempt()));
        return new OrdoEvent(EventTypes.JOB_LOG, r.id, r.rootId, p, at);
    }

    private static Map<String, Object> base(MemoryRow r) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("job_id", r.id.toString());
        if (r.parentId != null) p.put("parent_id", r.parentId.toString());
        p.put("root_id", r.rootId.toString());
        return p;
    }

    private record Spawn(MemoryRow row) {
    }

    private record Line(MemoryRow row, JobLog line) {
    }
}
