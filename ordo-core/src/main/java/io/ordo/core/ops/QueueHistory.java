package io.ordo.core.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Per-minute series of each queue over a window, for charts: every series has one value per entry
 * of {@link #minutes} (the start of each minute, oldest first), zero or null where nothing was
 * reported. Added up over all nodes.
 *
 * @param queues by queue name
 */
public record QueueHistory(List<Instant> minutes, Map<String, Series> queues) {
    public QueueHistory {
        minutes = List.copyOf(minutes);
        queues = Map.copyOf(queues);
    }

    /**
     * @param latencyP50Ms ready-to-started latency in the minute (bucket upper bound), null without starts
     * @param avgRunMs     mean run time of the attempts that ended in the minute, null without any
     */
    public record Series(List<Long> completed, List<Long> failed, List<Long> latencyP50Ms, List<Long> latencyP95Ms, List<Long> avgRunMs) {
    }
}
