package io.ordo.core.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.JobStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * Ordo's meters in a Micrometer registry (Prometheus via the server): jobs by state and queue,
 * submitted/completed/failed counters, run-time and start-latency histograms, worker utilization.
 * Tags are the queue (and the state): job types are not tags, their number is unbounded.
 */
public final class EngineMetrics implements JobObserver {
    private static final Duration COUNTS_TTL = Duration.ofSeconds(5);

    private final MeterRegistry registry;
    private final JobStore store;
    private final Set<String> gauged = ConcurrentHashMap.newKeySet();
    private volatile Map<String, Map<JobStatus, Long>> counts = Map.of();
    private volatile long countsAt;
    private volatile io.ordo.core.queue.QueueBackend broker;
    private final Map<String, Long> messages = new ConcurrentHashMap<>();

    public EngineMetrics(MeterRegistry registry, JobStore store, Map<String, Integer> slots, ToIntFunction<String> runningIn) {
        this.registry = registry;
        this.store = store;
        slots.forEach((queue, n) -> Gauge.builder("ordo.worker.utilization", () -> n == 0 ? 0.0 : runningIn.applyAsInt(queue) / (double) n)
                .tag("queue", queue).description("share of this node's slots for the queue that run a job").register(registry));
        // the queues served here show (with zeros) before their first job
        slots.keySet().forEach(this::gauge);
        refreshGauges();
    }

    /**
     * With a broker carrying the queue: also {@code ordo.queue.transport.messages} per queue, the
     * messages the broker holds (read with the job counts, at most every few seconds).
     */
    public void broker(io.ordo.core.queue.QueueBackend backend) {
        if (backend.storeIsQueue()) return;
        this.broker = backend;
        gauged.forEach(this::brokerGauge);
        countsAt = 0; // the first scrape reads the broker's counts instead of showing zeros
    }

    private void brokerGauge(String queue) {
        if (broker == null) return;
        Gauge.builder("ordo.queue.transport.messages", () -> {
                    refresh();
                    return messages.getOrDefault(queue, 0L);
                }).tag("queue", queue)
                .description("messages the queue's broker holds (ready, or delivered and not yet acknowledged)").register(registry);
    }

    /** Jobs by queue and state, from the store's counters, read at most every few seconds. */
    private long jobs(String queue, JobStatus s) {
        refresh();
        return counts.getOrDefault(queue, Map.of()).getOrDefault(s, 0L);
    }

    /** Reads the job counts again (called every few seconds by the node), registering gauges for new queues. */
    public void poll() {
        countsAt = 0;
        refresh();
    }

    private synchronized void refresh() {
        if (System.nanoTime() - countsAt < COUNTS_TTL.toNanos()) return;
        try {
            counts = store.counts();
        } catch (RuntimeException e) {
            return; // keep the last values; the store being down shows in /ready
        }
        countsAt = System.nanoTime();
        refreshGauges();
        if (broker != null) {
            for (String q : gauged) broker.messages(q, Set.of()).ifPresent(n -> messages.put(q, n));
        }
    }

    private void refreshGauges() {
        counts.keySet().forEach(this::gauge);
    }

    private void gauge(String queue) {
        if (!gauged.add(queue)) return;
        brokerGauge(queue);
        for (JobStatus s : JobStatus.values()) {
            Gauge.builder("ordo.jobs", () -> jobs(queue, s)).tag("queue", queue).tag("state", s.wireName())
                    .description("jobs by queue and state").register(registry);
        }
    }

    /** A job was inserted on this node (submitted, spawned or started by a definition). */
    public void submitted(Job job) {
        Counter.builder("ordo.jobs.submitted").tag("queue", job.queue()).description("jobs submitted on this node").register(registry).increment();
    }

    @Override
    public void claimed(Job job, Instant now) {
        Timer.builder("ordo.job.start.latency").tag("queue", job.queue()).publishPercentileHistogram()
                .description("from ready (run_at) to started").register(registry)
                .record(Duration.between(job.runAt(), now).isNegative() ? Duration.ZERO : Duration.between(job.runAt(), now));
    }

    @Override
    public void ended(Job job, JobStatus status, String error, Instant now) {
        if (job.startedAt() != null) {
            Timer.builder("ordo.job.run").tag("queue", job.queue()).publishPercentileHistogram().description("run time of an attempt")
                    .register(registry).record(Duration.between(job.startedAt(), now));
        }
        String name = status == JobStatus.COMPLETED || status == JobStatus.WAITING ? "ordo.jobs.completed"
                : status == JobStatus.FAILED ? "ordo.jobs.failed" : "ordo.jobs.retried";
        if (status == JobStatus.CANCELLED) name = "ordo.jobs.cancelled";
        Counter.builder(name).tag("queue", job.queue()).register(registry).increment();
    }
}
