package io.ordo.core.ops;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An order addressed to one node ({@link #LAUNCH} a worker process, {@link #DRAIN}, {@link #RESUME}, {@link #STOP}),
 * kept in the store until that node takes it (once: the take is atomic) and records its outcome.
 *
 * @param args   what the order says (for a launch: concurrency, queues, capabilities)
 * @param result what the node did (for a launch: the new worker's node id, pid and log); null until done
 * @param error  why the node could not do it; null unless it failed
 */
public record NodeCommand(UUID id, String node, String kind, Map<String, Object> args, Instant createdAt,
                          String takenBy, Instant takenAt, Instant finishedAt, Map<String, Object> result, String error) {
    public static final String LAUNCH = "launch";
    public static final String DRAIN = "drain";
    public static final String RESUME = "resume";
    public static final String STOP = "stop";

    public NodeCommand {
        args = args == null ? Map.of() : Map.copyOf(args);
        result = result == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(result));
    }

    /** A new order, not taken yet. */
    public static NodeCommand of(UUID id, String node, String kind, Map<String, Object> args, Instant createdAt) {
        return new NodeCommand(id, node, kind, args, createdAt, null, null, null, null, null);
    }

    /** {@code pending} (not taken), {@code running} (taken), {@code done} or {@code failed}. */
    public String status() {
        if (finishedAt != null) return error == null ? "done" : "failed";
        return takenAt == null ? "pending" : "running";
    }
}
