package io.ordo.core.ops;

import io.ordo.core.OrdoConfig;
import io.ordo.core.engine.QueueMetrics;
import io.ordo.core.event.EventBus;
import io.ordo.core.event.EventTypes;
import io.ordo.core.event.OrdoEvent;
import io.ordo.core.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * This node in the cluster: it reports itself every few seconds (id, host, queues, job types,
 * running jobs), follows queue pause flags, writes its queue stats and publishes {@code queue_stats},
 * and, on the leader, keeps the operational tables trimmed. {@link #nodes()} is the cluster as the store knows it.
 */
public final class Cluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Cluster.class);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(5);
    private static final Duration FLAGS_EVERY = Duration.ofSeconds(1);
    private static final Duration TRIM_EVERY = Duration.ofMinutes(1);

    private final OrdoConfig config;
    private final JobStore store;
    private final EventBus events;
    private final QueueMetrics metrics;
    private final Queues queues;
    private final Set<String> types;
    private final IntSupplier running;
    private final Consumer<Set<String>> onPaused;
    private final Instant startedAt;
    private final io.ordo.core.engine.Leadership leadership;
    private volatile boolean stopping;
    private Thread thread;
    private final Object wake = new Object();
    private volatile Runnable onReport = () -> { };
    private volatile Consumer<Boolean> onDrain = on -> { };
    private volatile boolean draining;
    private final NodeCommands commands;

    private volatile Runnable everySecond = () -> { };

    /** Also run {@code r} every second with the queue flags, e.g. to read the stored limits again. */
    public void everySecond(Runnable r) {
        this.everySecond = r;
    }

    /** Also run {@code r} at each report (every few seconds), e.g. to refresh meters. */
    public void onReport(Runnable r) {
        this.onReport = r;
    }

    /** Also run {@code c} when this node is told to drain ({@code true}: claim nothing new) or to resume. */
    public void onDrain(Consumer<Boolean> c) {
        this.onDrain = c;
    }

    public Cluster(OrdoConfig config, JobStore store, EventBus events, QueueMetrics metrics, Queues queues, Set<String> types,
                   IntSupplier running, Consumer<Set<String>> onPaused, io.ordo.core.engine.Leadership leadership) {
        this.leadership = leadership;
        this.config = config;
        this.store = store;
        this.events = events;
        this.metrics = metrics;
        this.queues = queues;
        this.types = types;
        this.running = running;
        this.onPaused = onPaused;
        this.startedAt = config.clock().instant();
        this.commands = new NodeCommands(config, store, this::nodes, this::drain);
    }

    /** Orders to nodes (launch, drain, resume, stop) and this node's part in carrying them out. */
    public NodeCommands commands() {
        return commands;
    }

    /** Whether this node is draining: it claims no new jobs. */
    public boolean draining() {
        return draining;
    }

    /** Drains this node (it claims nothing new, running jobs finish) or resumes it; reported at once. */
    public void drain(boolean on) {
        onDrain.accept(on);
        draining = on;
        Instant now = config.clock().instant();
        safely("report this node", () -> store.saveNode(info(now, null)));
    }

    public void start() {
        thread = Thread.ofVirtual().name("ordo-cluster").start(this::loop);
    }

    /** Reads the pause flags again now (after this node paused or resumed a queue). */
    public void flagsChanged() {
        refreshFlags();
    }

    private void loop() {
        Instant nextReport = Instant.MIN;
        Instant nextTrim = Instant.MIN;
        while (!stopping) {
            Instant now = config.clock().instant();
            refreshFlags();
            safely("carry out node orders", commands::poll);
            safely("read queue limits", everySecond);
            if (!now.isBefore(nextReport)) {
                nextReport = now.plus(REPORT_EVERY);
                safely("report this node", () -> store.saveNode(info(now, null)));
                safely("write queue stats", () -> metrics.flush(now));
                safely("publish queue stats", this::publishQueueStats);
                safely("refresh meters", onReport);
            } else if (draining) {
                // each round while draining: whoever waits for the running count to reach 0 sees it soon
                safely("report this node", () -> store.saveNode(info(now, null)));
            }
            if (!now.isBefore(nextTrim) && leadership.leading()) {
                nextTrim = now.plus(TRIM_EVERY);
                safely("trim operational tables", () -> trim(now));
                safely("trim node orders", () -> store.pruneNodeCommands(now.minus(NodeCommands.KEEP)));
            }
            synchronized (wake) {
                try {
                    wake.wait(FLAGS_EVERY.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    // synchronized: a periodic read that saw the flags before a pause must not apply them after it
    private synchronized void refreshFlags() {
        safely("read queue flags", () -> onPaused.accept(store.queueFlags().entrySet().stream()
                .filter(Map.Entry::getValue).map(Map.Entry::getKey).collect(Collectors.toSet())));
    }

    private void trim(Instant now) {
        int e = 0, n;
        do {
            n = store.pruneEvents(now.minus(config.eventRetention()), 5000);
            e += n;
        } while (n == 5000 && !stopping);
        store.pruneQueueMinutes(now.minus(Duration.ofHours(2)));
        store.pruneNodes(now.minus(Duration.ofDays(1)));
        if (e > 0) log.debug("pruned {} events older than {}", e, config.eventRetention());
    }

    private void publishQueueStats() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (QueueStats q : queues.stats()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("queue", q.queue());
            m.put("pending", q.pending());
            m.put("scheduled", q.scheduled());
            m.put("running", q.running());
            m.put("completed_last_minute", q.completedLastMinute());
            m.put("failed_last_minute", q.failedLastMinute());
            m.put("throughput_per_second", q.throughputPerSecond());
            m.put("paused", q.paused());
            list.add(m);
        }
        Instant now = config.clock().instant();
        events.publish(new OrdoEvent(EventTypes.QUEUE_STATS, null, null, Map.of("node", config.nodeId(), "queues", list,
                "timestamp", now.toString()), now));
    }

    private NodeInfo info(Instant now, Instant stopped) {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown";
        }
        int slots = config.workers() ? config.queues().values().stream().mapToInt(q -> q.concurrency()).sum() : 0;
        List<String> qs = config.workers() ? config.queues().values().stream().filter(q -> q.concurrency() > 0).map(q -> q.name()).sorted().toList() : List.of();
        return new NodeInfo(config.nodeId(), host, ManagementFactory.getRuntimeMXBean().getPid(), version(), startedAt, now, stopped,
                qs, config.workers() ? types.stream().sorted().toList() : List.of(), running.getAsInt(), slots, draining,
                config.workers() ? config.capabilities().asMap() : Map.of());
    }

    /** This build's version (the jar's Implementation-Version), {@code dev} when run from classes. */
    public static String version() {
        String v = Cluster.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * The nodes the store knows, with their state: alive, draining, stopped (shut down cleanly) or
     * lost (silent); and which one holds the leader lease.
     */
    public List<NodeView> nodes() {
        Instant now = config.clock().instant();
        Instant lostBefore = now.minus(REPORT_EVERY.multipliedBy(3));
        String leader = store.leader().filter(l -> l.heldAt(now)).map(io.ordo.core.store.LeaderLease::node).orElse(null);
        return store.nodes().stream().map(n -> new NodeView(n, n.stoppedAt() != null ? NodeView.STOPPED
                : n.seenAt().isBefore(lostBefore) ? NodeView.LOST : n.draining() ? NodeView.DRAINING : NodeView.ALIVE,
                n.id().equals(leader))).toList();
    }

    /** Whether this node leads the cluster now. */
    public boolean leading() {
        return leadership.leading();
    }

    /** How the store's tables are kept healthy: autovacuum as the store last read it, and this node's vacuum duty. */
    public TableHealth tableHealth() {
        return TableHealth.of(store, config);
    }

    private void safely(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("cluster: could not {}", what, e);
        }
    }

    @Override
    public void close() {
        stopping = true;
        synchronized (wake) {
            wake.notifyAll();
        }
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Instant now = config.clock().instant();
        safely("write queue stats", () -> metrics.flush(now));
        safely("report this node stopped", () -> store.saveNode(info(now, now)));
    }
}
