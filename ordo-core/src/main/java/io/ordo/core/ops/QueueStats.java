package io.ordo.core.ops;

/**
 * One queue at a glance. Counts are exact (store counters); the rates come from the minutes the
 * nodes report ({@link QueueMinute}), so they lag by up to a few seconds.
 *
 * @param throughputPerSecond completions per second over the last minute
 * @param startLatencyP50Ms   ready-to-started latency over the last five minutes (bucket upper bound), null without data
 */
/**
 * @param limits            the cluster-wide limits stored for the queue (null: none)
 * @param transportMessages the messages the queue's broker holds for it (ready or delivered, not yet
 *                          acknowledged), beside the store's counts; null when the store is the queue
 */
public record QueueStats(String queue, long pending, long scheduled, long running, long waiting,
                         long completedLastMinute, long failedLastMinute, long completedLastHour, long failedLastHour,
                         double throughputPerSecond, Long startLatencyP50Ms, Long startLatencyP95Ms, boolean paused,
                         Long transportMessages, io.ordo.core.limits.Limit limits) {

    /** Without stored limits. */
    public QueueStats(String queue, long pending, long scheduled, long running, long waiting,
                      long completedLastMinute, long failedLastMinute, long completedLastHour, long failedLastHour,
                      double throughputPerSecond, Long startLatencyP50Ms, Long startLatencyP95Ms, boolean paused,
                      Long transportMessages) {
        this(queue, pending, scheduled, running, waiting, completedLastMinute, failedLastMinute, completedLastHour, failedLastHour,
                throughputPerSecond, startLatencyP50Ms, startLatencyP95Ms, paused, transportMessages, null);
    }
}
