package io.ordo.core.ops;

import java.time.Instant;
import java.util.List;

/**
 * What one node saw of one queue during one minute: the node writes its running totals for the
 * minute (an upsert that replaces its own row), readers add up the rows of all nodes.
 *
 * @param runMillis      total run time of the attempts that ended in the minute
 * @param latencyBuckets start latency (ready to started) histogram, counts per {@link #LATENCY_BOUNDS_MS} bucket
 */
public record QueueMinute(String queue, Instant minute, String node, long completed, long failed, long runMillis,
                          List<Long> latencyBuckets) {
    /** Upper bounds (ms) of the start-latency buckets; the last bucket is everything above. */
    public static final long[] LATENCY_BOUNDS_MS = {1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000};

    public QueueMinute {
        latencyBuckets = List.copyOf(latencyBuckets);
        if (latencyBuckets.size() != LATENCY_BOUNDS_MS.length + 1) {
            throw new IllegalArgumentException("latency histogram needs " + (LATENCY_BOUNDS_MS.length + 1) + " buckets");
        }
    }
}
