package io.ordo.core;

import io.ordo.core.engine.QueueConfig;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.store.JobStore;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Everything an {@link Ordo} instance needs: where jobs are stored, which queues this node serves
 * with how many concurrent jobs, the handlers it runs, and the engine's timings. Fluent setters;
 * the defaults suit an embedded single node.
 */
public final class OrdoConfig {
    public static final String DEFAULT_STORE_URL = "jdbc:sqlite:data/ordo.db";

    private String storeUrl = DEFAULT_STORE_URL;
    private JobStore store;
    private final Map<String, String> storeProperties = new HashMap<>();
    private String nodeId = defaultNodeId();
    private final Map<String, QueueConfig> queues = new LinkedHashMap<>();
    private final List<JobHandler> handlers = new ArrayList<>();
    private final List<io.ordo.core.action.StepAction> actions = new ArrayList<>();
    private boolean builtinHandlers = true;
    private boolean workers = true;
    private boolean acceptUnknownTypes = false;
    private Duration lease = Duration.ofSeconds(30);
    private Duration heartbeat = Duration.ofSeconds(5);
    private Duration poll = Duration.ofSeconds(1);
    private int claimBatch = 100;
    private int claimers = 2;
    private int writers = 2;
    private int defaultMaxAttempts = 3;
    private Duration backoffBase = Duration.ofSeconds(1);
    private Duration backoffCap = Duration.ofMinutes(10);
    private Duration cancelGrace = Duration.ofSeconds(5);
    private Duration shutdownGrace = Duration.ofSeconds(10);
    private Duration maintenanceInterval = Duration.ofSeconds(1);
    private Duration leaderLease = Duration.ofSeconds(15);
    private Duration retention = Duration.ofDays(7);
    private Duration pruneInterval = Duration.ofMinutes(1);
    private int pruneBatch = 1000;
    private boolean autoVacuum = true;
    private String queueBackend = io.ordo.core.queue.QueueBackends.JDBC;
    private boolean queueDuties = true;
    private Duration reconcileInterval = Duration.ofSeconds(10);
    private Duration redeliverAfter = io.ordo.core.queue.TransportSettings.DEFAULT_REDELIVER_AFTER;
    private Duration autoVacuumInterval = Duration.ofSeconds(30);
    private int maxDepth = 32;
    private Duration monitorSweep = Duration.ofSeconds(5);
    private boolean scheduler = true;
    private int eventBuffer = 50_000;
    private Duration eventRetention = Duration.ofHours(1);
    private io.micrometer.core.instrument.MeterRegistry meterRegistry;
    private String webhookSecret;
    private Clock clock = Clock.systemUTC();
    private final java.util.Set<String> isolated = new java.util.LinkedHashSet<>();

    public static OrdoConfig defaults() {
        return new OrdoConfig();
    }

    private static String defaultNodeId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "node";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
    }

    /** {@code memory:}, {@code jdbc:sqlite:FILE} (default {@value #DEFAULT_STORE_URL}) or {@code jdbc:postgresql://HOST/DB}. */
    public OrdoConfig storeUrl(String url) {
        this.storeUrl = Objects.requireNonNull(url);
        return this;
    }

    /** Uses this store instance instead of opening one from the URL (the caller closes it). */
    public OrdoConfig store(JobStore store) {
        this.store = store;
        return this;
    }

    /** Extra store settings, e.g. {@code user}, {@code password}, {@code maxPoolSize}. */
    public OrdoConfig storeProperty(String key, String value) {
        storeProperties.put(key, value);
        return this;
    }

    public OrdoConfig nodeId(String nodeId) {
        this.nodeId = Objects.requireNonNull(nodeId);
        return this;
    }

    public OrdoConfig queue(String name, int concurrency) {
        return queue(name, concurrency, null);
    }

    public OrdoConfig queue(String name, int concurrency, Integer capacity) {
        queues.put(name, new QueueConfig(name, concurrency, capacity));
        return this;
    }

    public OrdoConfig handler(JobHandler handler) {
        handlers.add(Objects.requireNonNull(handler));
        return this;
    }

    /** Registers a step action for job definitions (its step jobs and child job types run on this node). */
    public OrdoConfig action(io.ordo.core.action.StepAction action) {
        actions.add(Objects.requireNonNull(action));
        return this;
    }

    /** Whether {@code noop}, {@code sleep} and {@code fail} are registered (default true), as job types and as step actions. */
    public OrdoConfig builtinHandlers(boolean on) {
        this.builtinHandlers = on;
        return this;
    }

    /** Whether this node runs jobs (false: it only submits and reads). */
    public OrdoConfig workers(boolean on) {
        this.workers = on;
        return this;
    }

    /** Accept jobs whose type has no handler on this node (another node will run them). */
    public OrdoConfig acceptUnknownTypes(boolean on) {
        this.acceptUnknownTypes = on;
        return this;
    }

    /** How long a claim holds a job without a heartbeat; heartbeats renew it. */
    public OrdoConfig lease(Duration lease, Duration heartbeat) {
        if (heartbeat.compareTo(lease.dividedBy(2)) > 0) {
            throw new InvalidRequestException("heartbeat (" + heartbeat + ") must be at most half the lease (" + lease + ")");
        }
        this.lease = lease;
        this.heartbeat = heartbeat;
        return this;
    }

    /** How often idle workers look for jobs submitted by other processes without a wake-up signal. */
    public OrdoConfig poll(Duration poll) {
        this.poll = poll;
        return this;
    }

    public OrdoConfig claimBatch(int n) {
        if (n < 1) throw new InvalidRequestException("claimBatch must be >= 1");
        this.claimBatch = n;
        return this;
    }

    /**
     * Concurrent claim loops per queue and concurrent completion writers on this node. Two of each
     * overlap one batch's commit with the next batch's statement.
     */
    public OrdoConfig pipelines(int claimers, int writers) {
        if (claimers < 1 || writers < 1) throw new InvalidRequestException("claimers and writers must be >= 1");
        this.claimers = claimers;
        this.writers = writers;
        return this;
    }

    public OrdoConfig defaultMaxAttempts(int n) {
        if (n < 1) throw new InvalidRequestException("max attempts must be >= 1");
        this.defaultMaxAttempts = n;
        return this;
    }

    public OrdoConfig backoff(Duration base, Duration cap) {
        this.backoffBase = base;
        this.backoffCap = cap;
        return this;
    }

    public OrdoConfig cancelGrace(Duration d) {
        this.cancelGrace = d;
        return this;
    }

    public OrdoConfig shutdownGrace(Duration d) {
        this.shutdownGrace = d;
        return this;
    }

    public OrdoConfig maintenanceInterval(Duration d) {
        this.maintenanceInterval = d;
        return this;
    }

    /**
     * The leader lease (default 15 s): one node at a time runs the cluster-wide duties (promotion,
     * rescue of expired leases, pruning, the definition scheduler, vacuum, the broker relay and
     * reconciliation), renewing its lease every quarter of it; when it stops renewing (killed, cut
     * off), another node takes over once the lease ran out. Node clocks must agree to within a
     * quarter of it.
     */
    public OrdoConfig leaderLease(Duration d) {
        if (d.compareTo(Duration.ofSeconds(1)) < 0) throw new InvalidRequestException("leader lease must be at least 1s, got " + d);
        this.leaderLease = d;
        return this;
    }

    /** Terminal jobs older than this are pruned (with their logs). */
    public OrdoConfig retention(Duration d) {
        this.retention = d;
        return this;
    }

    public OrdoConfig pruneInterval(Duration d, int batch) {
        this.pruneInterval = d;
        this.pruneBatch = batch;
        return this;
    }

    /**
     * Whether this node takes its turn at the vacuum duty (default true): on a store whose database
     * needs its tables vacuumed (PostgreSQL), the cluster's leader, if this is on there, checks Ordo's hot tables every
     * {@code interval} and vacuums those whose dead rows pile up while autovacuum is off or behind.
     */
    public OrdoConfig autoVacuum(boolean on, Duration interval) {
        if (interval.isNegative() || interval.isZero()) throw new InvalidRequestException("auto-vacuum interval must be positive");
        this.autoVacuum = on;
        this.autoVacuumInterval = interval;
        return this;
    }

    /** {@link #autoVacuum(boolean, Duration)} every 30 seconds. */
    public OrdoConfig autoVacuum(boolean on) {
        return autoVacuum(on, autoVacuumInterval);
    }

    /**
     * What carries the queue: {@code jdbc} (the default: the store's jobs table), a Redis URL
     * ({@code redis://HOST:PORT}, module ordo-redis) or a RabbitMQ URL
     * ({@code amqp://USER:PASS@HOST:PORT/VHOST}, module ordo-rabbitmq). The store stays the record of
     * every job; the broker is reached when the node is created, and an unreachable one fails it.
     */
    public OrdoConfig queueBackend(String url) {
        this.queueBackend = io.ordo.core.queue.QueueBackends.check(url);
        return this;
    }

    /**
     * With a broker: whether this node publishes the moves to pending that it reads from the
     * store's event log (retries, promotions, rescues, restarts made anywhere) and reconciles the
     * broker with the store every {@code interval}. On by default; a cluster needs it on at least
     * one node (each node that runs it publishes those moves once more; a duplicate is dropped).
     */
    public OrdoConfig queueDuties(boolean on, Duration interval) {
        if (interval.isNegative() || interval.isZero()) throw new InvalidRequestException("reconcile interval must be positive");
        this.queueDuties = on;
        this.reconcileInterval = interval;
        return this;
    }

    /** With Redis: a message delivered to a consumer that stays silent this long goes to another (30 s). */
    public OrdoConfig redeliverAfter(Duration d) {
        if (d.isNegative() || d.isZero()) throw new InvalidRequestException("redeliverAfter must be positive");
        this.redeliverAfter = d;
        return this;
    }

    /** How deep a tree of spawned jobs may grow (root = 0). */
    public OrdoConfig maxDepth(int maxDepth) {
        if (maxDepth < 1) throw new InvalidRequestException("maxDepth must be >= 1");
        this.maxDepth = maxDepth;
        return this;
    }

    /**
     * How often waiting parents are re-checked from the store. Parents are normally finished the
     * moment their last child ends; the sweep covers a node that died in between, and timeouts.
     */
    public OrdoConfig monitorSweep(Duration d) {
        this.monitorSweep = d;
        return this;
    }

    /** Whether this node starts the scheduled runs of job definitions (default true; safe on many nodes). */
    public OrdoConfig scheduler(boolean on) {
        this.scheduler = on;
        return this;
    }

    /**
     * Live events: how many may wait to be written to the event log (older ones are dropped when the
     * store falls behind) and how long the log keeps them for clients that reconnect.
     */
    public OrdoConfig events(int buffer, Duration retention) {
        if (buffer < 1) throw new InvalidRequestException("event buffer must be >= 1");
        this.eventBuffer = buffer;
        this.eventRetention = retention;
        return this;
    }

    /** Where Ordo records its meters (jobs by state, counters, histograms); none by default. */
    public OrdoConfig meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
        this.meterRegistry = registry;
        return this;
    }

    /** The secret webhooks are signed with; by default one is generated once and kept in the store. */
    public OrdoConfig webhookSecret(String secret) {
        if (secret != null && secret.length() < 16) throw new InvalidRequestException("webhook secret: at least 16 characters");
        this.webhookSecret = secret;
        return this;
    }

    /**
     * Runs every job of these types in a fresh child JVM, as if their handlers said
     * {@link io.ordo.core.handler.Isolation#PROCESS} (README, "Process isolation"). Each type needs a job
     * handler on this node whose class has a public no-arg constructor; checked when the node is created.
     */
    public OrdoConfig isolate(String... types) {
        for (String t : types) isolated.add(Objects.requireNonNull(t));
        return this;
    }

    public OrdoConfig clock(Clock clock) {
        this.clock = clock;
        return this;
    }

    public String storeUrl() { return storeUrl; }
    public JobStore store() { return store; }
    public Map<String, String> storeProperties() { return Map.copyOf(storeProperties); }
    public String nodeId() { return nodeId; }

    /** The queues served; {@code default} with 10 slots when none was configured. */
    public Map<String, QueueConfig> queues() {
        if (queues.isEmpty()) return Map.of("default", new QueueConfig("default", 10, null));
        return Map.copyOf(queues);
    }

    public List<JobHandler> handlers() { return List.copyOf(handlers); }
    public List<io.ordo.core.action.StepAction> actions() { return List.copyOf(actions); }
    public boolean builtinHandlers() { return builtinHandlers; }
    public boolean workers() { return workers; }
    public boolean acceptUnknownTypes() { return acceptUnknownTypes; }
    public Duration lease() { return lease; }
    public Duration heartbeat() { return heartbeat; }
    public Duration poll() { return poll; }
    public int claimBatch() { return claimBatch; }
    public int claimers() { return claimers; }
    public int writers() { return writers; }
    public int defaultMaxAttempts() { return defaultMaxAttempts; }
    public Duration backoffBase() { return backoffBase; }
    public Duration backoffCap() { return backoffCap; }
    public Duration cancelGrace() { return cancelGrace; }
    public Duration shutdownGrace() { return shutdownGrace; }
    public Duration maintenanceInterval() { return maintenanceInterval; }

    public Duration leaderLease() { return leaderLease; }
    public Duration retention() { return retention; }
    public Duration pruneInterval() { return pruneInterval; }
    public int pruneBatch() { return pruneBatch; }
    public boolean autoVacuum() { return autoVacuum; }
    public String queueBackend() { return queueBackend; }
    public boolean queueDuties() { return queueDuties; }
    public Duration reconcileInterval() { return reconcileInterval; }
    public Duration redeliverAfter() { return redeliverAfter; }
    public Duration autoVacuumInterval() { return autoVacuumInterval; }
    public Clock clock() { return clock; }
    public int maxDepth() { return maxDepth; }
    public Duration monitorSweep() { return monitorSweep; }
    public boolean scheduler() { return scheduler; }
    public int eventBuffer() { return eventBuffer; }
    public Duration eventRetention() { return eventRetention; }
    public io.micrometer.core.instrument.MeterRegistry meterRegistry() { return meterRegistry; }
    public String webhookSecret() { return webhookSecret; }
    /** The types {@link #isolate} named (handlers may also ask for isolation themselves). */
    public java.util.Set<String> isolated() { return java.util.Set.copyOf(isolated); }

    // ---- capabilities and routing ---------------------------------------------------------------

    private io.ordo.core.model.Capabilities capabilities = io.ordo.core.model.Capabilities.NONE;
    private java.util.Set<String> servedTypes;

    /**
     * What this node offers to jobs' requirements ({@code gpu=1}, {@code class=io}): it claims a job
     * only when every pair the job requires is among these. At most 8 pairs.
     */
    public OrdoConfig capabilities(Map<String, String> capabilities) {
        this.capabilities = io.ordo.core.model.Capabilities.of(capabilities, "capabilities");
        return this;
    }

    /** Claim only jobs of these types (a subset of the registered handlers); null or empty: every type. */
    public OrdoConfig types(java.util.Collection<String> types) {
        this.servedTypes = types == null || types.isEmpty() ? null : java.util.Set.copyOf(types);
        return this;
    }

    public io.ordo.core.model.Capabilities capabilities() { return capabilities; }

    /** The types this node claims among {@code registered}; an unknown type is an error naming the known ones. */
    public java.util.Set<String> servedTypes(java.util.Set<String> registered) {
        if (servedTypes == null) return registered;
        List<String> unknown = servedTypes.stream().filter(t -> !registered.contains(t)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException("types: no handler for " + String.join(", ", unknown) + "; known types: "
                    + String.join(", ", new java.util.TreeSet<>(registered)));
        }
        return servedTypes;
    }
}
