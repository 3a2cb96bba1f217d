package io.ordo.core.ops;

import io.ordo.core.OrdoConfig;
import io.ordo.core.engine.Names;
import io.ordo.core.limits.Limit;
import io.ordo.core.limits.LimitScope;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.JobStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Queues: their stats, pausing or resuming them (workers on every node stop claiming from a paused
 * queue), and the cluster-wide limits stored per queue and per job type.
 */
public final class Queues {
    private static final Duration LATENCY_WINDOW = Duration.ofMinutes(5);

    private final OrdoConfig config;
    private final JobStore store;
    private final Clock clock;
    private final Runnable onChange;
    private final io.ordo.core.queue.QueueBackend backend;
    private volatile Runnable onLimitsChange = () -> { };

    /** What {@link #purge} did. */
    public record PurgeResult(String queue, long cancelled, long messagesDropped) {
    }

    /**
     * @param backend  what carries the queues (its message counts are shown beside the store's)
     * @param onChange told when this node paused or resumed a queue (so its workers see it at once)
     */
    public Queues(OrdoConfig config, JobStore store, io.ordo.core.queue.QueueBackend backend, Runnable onChange) {
        this.backend = backend;
        this.config = config;
        this.store = store;
        this.clock = config.clock();
        this.onChange = onChange;
    }

    /** Also run {@code r} when this node changed a stored limit (so that its own cache sees it at once). */
    public void limitsChangedHere(Runnable r) {
        this.onLimitsChange = r;
    }

    // ---- stored limits ------------------------------------------------------------------------

    /** Every stored queue and type limit. */
    public List<Limit> limits() {
        return store.limits();
    }

    /** The limits stored for a queue or type, if any. */
    public Optional<Limit> limit(LimitScope scope, String name) {
        String n = checkName(scope, name);
        return store.limits().stream().filter(l -> l.scope() == scope && l.name().equals(n)).findFirst();
    }

    /**
     * Applies {@code update} to the limits of a queue or type and stores the result (no row when
     * nothing is left limited); returns it. Every node enforces it within about a second.
     */
    public Limit setLimit(LimitScope scope, String name, LimitUpdate update) {
        String n = checkName(scope, name);
        Limit next = update.applyTo(limit(scope, n).orElse(null), scope, n);
        store.saveLimit(next, clock.instant());
        onLimitsChange.run();
        return limit(scope, n).orElse(next);
    }

    /** Removes every limit of a queue or type; false when there were none. */
    public boolean clearLimits(LimitScope scope, String name) {
        boolean had = store.deleteLimit(scope, checkName(scope, name));
        onLimitsChange.run();
        return had;
    }

    private static String checkName(LimitScope scope, String name) {
        return scope == LimitScope.QUEUE ? Names.checkQueue(name) : Names.checkType(name);
    }

    public void pause(String queue) {
        store.setQueuePaused(Names.checkQueue(queue), true, clock.instant());
        onChange.run();
    }

    public void resume(String queue) {
        store.setQueuePaused(Names.checkQueue(queue), false, clock.instant());
        onChange.run();
    }

    /**
     * Cancels every job of {@code queue} that waits to run (pending or scheduled) and drops the
     * broker's messages for it; running jobs go on. Jobs submitted meanwhile are not lost: a
     * message dropped for a job that is still pending is published again by the reconciler.
     */
    public PurgeResult purge(String queue) {
        String q = Names.checkQueue(queue);
        String reason = "purged from queue " + q;
        long cancelled = 0;
        int n;
        do {
            n = store.cancelQueued(q, reason, clock.instant(), 1_000);
            cancelled += n;
        } while (n > 0);
        long dropped = backend.purge(q, Set.of());
        return new PurgeResult(q, cancelled, dropped);
    }

    /** Every queue that has jobs, is configured on this node, or has a flag. */
    public List<QueueStats> stats() {
        Map<String, Map<JobStatus, Long>> counts = store.counts();
        Map<String, Boolean> flags = store.queueFlags();
        Map<String, Limit> limits = new TreeMap<>();
        for (Limit l : store.limits()) if (l.scope() == LimitScope.QUEUE) limits.put(l.name(), l);
        Instant now = clock.instant();
        List<QueueMinute> minutes = store.queueMinutes(now.minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MINUTES));
        TreeSet<String> names = new TreeSet<>(counts.keySet());
        names.addAll(config.queues().keySet());
        names.addAll(flags.keySet());
        names.addAll(limits.keySet());
        List<QueueStats> out = new ArrayList<>();
        for (String q : names) {
            Long messages = backend.storeIsQueue() ? null : backend.messages(q, Set.of()).stream().boxed().findFirst().orElse(null);
            out.add(stats(q, counts.getOrDefault(q, Map.of()), flags.getOrDefault(q, false), minutes, now, messages, limits.get(q)));
        }
        return out;
    }

    private static QueueStats stats(String q, Map<JobStatus, Long> c, boolean paused, List<QueueMinute> minutes, Instant now,
                                    Long messages, Limit limits) {
        Instant lastMinute = now.minus(Duration.ofMinutes(1));
        Instant latencySince = now.minus(LATENCY_WINDOW);
        long doneMin = 0, failMin = 0, doneHour = 0, failHour = 0;
        long[] hist = new long[QueueMinute.LATENCY_BOUNDS_MS.length + 1];
        for (QueueMinute m : minutes) {
            if (!m.queue().equals(q)) continue;
            doneHour += m.completed();
            failHour += m.failed();
            // a minute row counts as "last minute" when it ends after now - 1 min
            if (m.minute().plusSeconds(60).isAfter(lastMinute)) {
                doneMin += m.completed();
                failMin += m.failed();
            }
            if (m.minute().plusSeconds(60).isAfter(latencySince)) {
                for (int i = 0; i < hist.length; i++) hist[i] += m.latencyBuckets().get(i);
            }
        }
        return new QueueStats(q, c.getOrDefault(JobStatus.PENDING, 0L), c.getOrDefault(JobStatus.SCHEDULED, 0L),
                c.getOrDefault(JobStatus.RUNNING, 0L), c.getOrDefault(JobStatus.WAITING, 0L), doneMin, failMin, doneHour, failHour,
                doneMin / 60.0, percentile(hist, 0.50), percentile(hist, 0.95), paused, messages, limits);
    }

    /**
     * The last {@code window} (whole minutes, the current one included) of every queue that reported
     * in it, minute by minute: completions, failures, start latency p50/p95 and mean run time.
     */
    public QueueHistory history(Duration window) {
        long n = Math.max(1, window.toMinutes());
        Instant current = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        Instant first = current.minus(Duration.ofMinutes(n - 1));
        List<Instant> minutes = new ArrayList<>();
        for (int i = 0; i < n; i++) minutes.add(first.plus(Duration.ofMinutes(i)));
        // per queue and minute index: completed, failed, run millis, then the latency buckets
        int width = 3 + QueueMinute.LATENCY_BOUNDS_MS.length + 1;
        Map<String, long[][]> sums = new TreeMap<>();
        for (QueueMinute m : store.queueMinutes(first)) {
            int i = (int) Duration.between(first, m.minute()).toMinutes();
            if (i < 0 || i >= n) continue;
            long[] row = sums.computeIfAbsent(m.queue(), q -> new long[(int) n][width])[i];
            row[0] += m.completed();
            row[1] += m.failed();
            row[2] += m.runMillis();
            for (int b = 0; b < m.latencyBuckets().size(); b++) row[3 + b] += m.latencyBuckets().get(b);
        }
        Map<String, QueueHistory.Series> out = new LinkedHashMap<>();
        sums.forEach((q, rows) -> {
            List<Long> done = new ArrayList<>(), failed = new ArrayList<>(), p50 = new ArrayList<>(), p95 = new ArrayList<>(), run = new ArrayList<>();
            for (long[] row : rows) {
                done.add(row[0]);
                failed.add(row[1]);
                long[] hist = Arrays.copyOfRange(row, 3, width);
                p50.add(percentile(hist, 0.50));
                p95.add(percentile(hist, 0.95));
                long ended = row[0] + row[1];
                run.add(ended == 0 ? null : row[2] / ended);
            }
            out.put(q, new QueueHistory.Series(done, failed, p50, p95, run));
        });
        return new QueueHistory(minutes, out);
    }

    /** The upper bound of the bucket holding the {@code p} quantile (the last, open bucket reports its lower bound). */
    static Long percentile(long[] hist, double p) {
        long total = 0;
        for (long n : hist) total += n;
        if (total == 0) return null;
        long seen = 0;
        long[] bounds = QueueMinute.LATENCY_BOUNDS_MS;
        for (int i = 0; i < hist.length; i++) {
            seen += hist[i];
            if (seen >= Math.ceil(p * total)) return i < bounds.length ? bounds[i] : bounds[bounds.length - 1];
        }
        return bounds[bounds.length - 1];
    }
}
