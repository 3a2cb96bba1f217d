package io.ordo.core.ops;

import java.time.Instant;
import java.util.List;

/**
 * A node of the cluster as it last reported itself (every few seconds while it runs).
 *
 * @param seenAt    its last heartbeat; a node not seen for three intervals is presumed gone
 * @param stoppedAt set when it shut down cleanly
 * @param draining  it claims no new jobs (on order), its running ones finish
 */
public record NodeInfo(String id, String host, long pid, String version, Instant startedAt, Instant seenAt,
                       Instant stoppedAt, List<String> queues, List<String> types, int running, int slots,
                       boolean draining) {
    public NodeInfo(String id, String host, long pid, String version, Instant startedAt, Instant seenAt,
                    Instant stoppedAt, List<String> queues, List<String> types, int running, int slots) {
        this(id, host, pid, version, startedAt, seenAt, stoppedAt, queues, types, running, slots, false);
    }

    public NodeInfo {
        queues = List.copyOf(queues);
        types = List.copyOf(types);
    }
}
