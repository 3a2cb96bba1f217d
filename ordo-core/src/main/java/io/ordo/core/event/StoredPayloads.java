package io.ordo.core.event;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.UUID;

/**
 * Completes the payload of an event read back from a store's log. The database triggers that write
 * status, spawn and log events store only what the event row does not already say, because they
 * run inside the writers' statements and every byte and function call there costs throughput: the
 * job and root ids are columns, the time is the row's {@code at}, and the contract's alias fields
 * ({@code job_type}, {@code parent_job_id}, ...) repeat others. Fields already present are kept.
 */
public final class StoredPayloads {
    /** ISO-8601 UTC, always with milliseconds. */
    public static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private StoredPayloads() {
    }

    /**
     * Adds the fields the stored payload of a trigger-written type (status change, spawn, log) left
     * out; other types are stored whole by the engine and returned as they are. {@code p} must be mutable.
     */
    public static Map<String, Object> complete(String type, UUID jobId, UUID rootId, Instant at, Map<String, Object> p) {
        if (!type.equals(EventTypes.JOB_STATUS_CHANGE) && !type.equals(EventTypes.JOB_SPAWN) && !type.equals(EventTypes.JOB_LOG)) return p;
        if (jobId != null) p.putIfAbsent("job_id", jobId.toString());
        if (rootId != null) p.putIfAbsent("root_id", rootId.toString());
        if (at != null) p.putIfAbsent("timestamp", TIME.format(at));
        switch (type) {
            case EventTypes.JOB_STATUS_CHANGE -> alias(p, "type", "job_type");
            case EventTypes.JOB_SPAWN -> {
                alias(p, "type", "job_type");
                alias(p, "parent_id", "parent_job_id");
                alias(p, "parent_id", "discovered_by");
                alias(p, "job_id", "child_job_id");
            }
            default -> {
            }
        }
        return p;
    }

    private static void alias(Map<String, Object> p, String from, String to) {
        Object v = p.get(from);
        if (v != null) p.putIfAbsent(to, v);
    }
}
