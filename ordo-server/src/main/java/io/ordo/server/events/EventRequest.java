package io.ordo.server.events;

import io.ordo.core.event.EventFilter;
import io.ordo.core.event.EventTypes;
import io.ordo.server.api.ApiError;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a client subscribes to, from the query string ({@code job_id}, {@code root_id}, {@code types}:
 * repeated or comma-separated; {@code since}: the last event id seen) or a WebSocket subscribe
 * message with the same fields. {@code token} is the auth gate's; any other parameter is refused by name,
 * like everywhere else in the API, so that a misspelt filter does not silently stream everything.
 *
 * @param since null for "from now"
 */
public record EventRequest(EventFilter filter, Long since) {
    /** The event types a client may ask for. */
    public static final List<String> TYPES = List.of(EventTypes.JOB_PROGRESS, EventTypes.TASK_PROGRESS, EventTypes.JOB_LOG,
            EventTypes.JOB_STATUS_CHANGE, EventTypes.RESULT_SAVED, EventTypes.JOB_SPAWN, EventTypes.QUEUE_STATS);

    private static final Set<String> PARAMS = Set.of("job_id", "root_id", "types", "type", "since", "token");

    /** Parses query parameters; {@code lastEventId} (the SSE reconnect header) wins over {@code since}. */
    public static EventRequest parse(Map<String, List<String>> query, String lastEventId) {
        for (String name : query.keySet()) {
            if (!PARAMS.contains(name)) {
                throw ApiError.badField(clip(name), "unknown parameter '" + clip(name) + "' (allowed: job_id, root_id, since, token, types)");
            }
        }
        Set<UUID> jobs = uuids("job_id", values(query.get("job_id")));
        Set<UUID> roots = uuids("root_id", values(query.get("root_id")));
        List<String> typeValues = values(query.get("types"));
        typeValues.addAll(values(query.get("type")));
        Set<String> types = types("types", typeValues);
        Long since = null;
        if (lastEventId != null && !lastEventId.isBlank()) since = id("Last-Event-ID", lastEventId);
        else {
            List<String> s = values(query.get("since"));
            if (s.size() > 1) throw ApiError.badField("since", "since must be given once");
            if (!s.isEmpty()) since = id("since", s.get(0));
        }
        return new EventRequest(new EventFilter(jobs, roots, types), since);
    }

    /** Splits repeated and comma-separated values, dropping blanks. */
    static List<String> values(List<String> raw) {
        List<String> out = new java.util.ArrayList<>();
        if (raw == null) return out;
        for (String r : raw) {
            for (String v : r.split(",")) {
                if (!v.isBlank()) out.add(v.trim());
            }
        }
        return out;
    }

    static Set<UUID> uuids(String field, List<String> values) {
        Set<UUID> out = new LinkedHashSet<>();
        for (String v : values) {
            try {
                if (v.length() != 36) throw new IllegalArgumentException();
                out.add(UUID.fromString(v));
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "invalid_request", field + " must be a job id (UUID), got '" + clip(v) + "'",
                        Map.of("field", field));
            }
        }
        return out;
    }

    static Set<String> types(String field, List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            if (!TYPES.contains(v)) {
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("field", field);
                details.put("allowed", TYPES);
                throw new ApiError(400, "invalid_request", "unknown event type '" + clip(v) + "'", details);
            }
            out.add(v);
        }
        return out;
    }

    static long id(String field, String v) {
        try {
            long id = Long.parseLong(v.trim());
            if (id < 0) throw new NumberFormatException();
            return id;
        } catch (NumberFormatException e) {
            throw ApiError.badField(field, field + " must be a non-negative event id, got '" + clip(v) + "'");
        }
    }

    private static String clip(String v) {
        return v.length() > 60 ? v.substring(0, 60) + "…" : v;
    }
}
