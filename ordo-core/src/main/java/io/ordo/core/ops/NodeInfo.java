package io.ordo.core.ops;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A node of the cluster as it last reported itself (every few seconds while it runs).
 *
 * @param seenAt    its last heartbeat; a node not seen for three intervals is presumed gone
 * @param stoppedAt set when it shut down cleanly
 * @param draining  it claims no new jobs (on order), its running ones finish
 * @param capabilities what it offers to jobs' requirements ({@code --capability gpu=1})
 */
public record NodeInfo(String id, String host, long pid, String version, Instant startedAt, Instant seenAt,
                       Instant stoppedAt, List<String> queues, List<String> types, int running, int slots,
                       boolean draining, Map<String, String> capabilities) {
    public NodeInfo(String id, String host, long pid, String version, Instant startedAt, Instant seenAt,
                    Instant stoppedAt, List<String> queues, List<String> types, int running, int slots) {
        this(id, host, pid, version, startedAt, seenAt, stoppedAt, queues, types, running, slots, false);
    }

    /** A node without capabilities. */
    public NodeInfo(String id, String host, long pid, String version, Instant startedAt, Instant seenAt,
                    Instant stoppedAt, List<String> queues, List<String> types, int running, int slots, boolean draining) {
        this(id, host, pid, version, startedAt, seenAt, stoppedAt, queues, types, running, slots, draining, Map.of());
    }

    public NodeInfo {
        queues = List.copyOf(queues);
        types = List.copyOf(types);
        capabilities = capabilities == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(capabilities));
    }
}
