package io.ordo.core.engine;

import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.ops.QueueMinute;
import io.ordo.core.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's part of the queue stats: per queue and minute, the attempts that completed or failed,
 * their run time, and a histogram of start latency (ready to started). Kept in memory and written to
 * the store every few seconds as the node's running totals for the minute; readers add up all nodes.
 */
public final class QueueMetrics implements JobObserver {
    private static final Logger log = LoggerFactory.getLogger(QueueMetrics.class);

    private final JobStore store;
    private final String node;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        final String queue;
        final Instant minute;
        long completed;
        long failed;
        long runMillis;
        final long[] latency = new long[QueueMinute.LATENCY_BOUNDS_MS.length + 1];
        boolean dirty;

        Bucket(String queue, Instant minute) {
            this.queue = queue;
            this.minute = minute;
        }
    }

    public QueueMetrics(JobStore store, String node) {
        this.store = store;
        this.node = node;
    }

    private Bucket bucket(String queue, Instant now) {
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        return buckets.computeIfAbsent(queue + "|" + minute.toEpochMilli(), k -> new Bucket(queue, minute));
    }

    @Override
    public void claimed(Job job, Instant now) {
        long ms = Math.max(0, Duration.between(job.runAt(), now).toMillis());
        int i = 0;
        while (i < QueueMinute.LATENCY_BOUNDS_MS.length && ms > QueueMinute.LATENCY_BOUNDS_MS[i]) i++;
        Bucket b = bucket(job.queue(), now);
        synchronized (b) {
            b.latency[i]++;
            b.dirty = true;
        }
    }

    @Override
    public void ended(Job job, JobStatus status, String error, Instant now) {
        boolean done = status == JobStatus.COMPLETED || status == JobStatus.WAITING;
        if (!done && status != JobStatus.FAILED) return;
        Bucket b = bucket(job.queue(), now);
        synchronized (b) {
            if (done) b.completed++;
            else b.failed++;
            if (job.startedAt() != null) b.runMillis += Math.max(0, Duration.between(job.startedAt(), now).toMillis());
            b.dirty = true;
        }
    }

    /** Writes the minutes that changed since the last flush; forgets minutes older than two. */
    public void flush(Instant now) {
        List<QueueMinute> out = new ArrayList<>();
        Instant keepFrom = now.truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(2));
        for (Map.Entry<String, Bucket> e : buckets.entrySet()) {
            Bucket b = e.getValue();
            synchronized (b) {
                if (b.dirty) {
                    out.add(new QueueMinute(b.queue, b.minute, node, b.completed, b.failed, b.runMillis,
                            Arrays.stream(b.latency).boxed().toList()));
                    b.dirty = false;
                }
            }
            if (b.minute.isBefore(keepFrom) && !b.dirty) buckets.remove(e.getKey());
        }
        if (out.isEmpty()) return;
        try {
            store.saveQueueMinutes(out);
        } catch (RuntimeException ex) {
            log.warn("writing queue stats failed; retrying at the next flush", ex);
            buckets.values().forEach(b -> {
                synchronized (b) {
                    b.dirty = true;
                }
            });
        }
    }
}
