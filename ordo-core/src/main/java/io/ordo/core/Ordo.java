package io.ordo.core;

import io.ordo.core.engine.HandlerRegistry;
import io.ordo.core.engine.JobMonitor;
import io.ordo.core.event.EventBus;
import io.ordo.core.engine.JobFactory;
import io.ordo.core.engine.Maintenance;
import io.ordo.core.engine.RetryPolicy;
import io.ordo.core.engine.VacuumDuty;
import io.ordo.core.engine.WorkerPool;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.queue.QueueBackend;
import io.ordo.core.queue.StoreQueueBackend;
import io.ordo.core.store.CancelResult;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.JobStoreProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An Ordo node: a store, the job service, and (unless disabled) workers and maintenance.
 *
 * <pre>{@code
 * try (Ordo ordo = Ordo.create(OrdoConfig.defaults().storeUrl("jdbc:sqlite:data/app.db")
 *         .queue("default", 8).handler(new SendEmail()))) {
 *     ordo.start();
 *     Job job = ordo.jobs().submit(JobRequest.of("send-email").payload(Map.of("to", "a@b.c")));
 * }
 * }</pre>
 */
public final class Ordo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Ordo.class);

    private final OrdoConfig config;
    private final JobStore store;
    private final boolean ownsStore;
    private final QueueBackend queue;
    private final HandlerRegistry handlers;
    private final Jobs jobs;
    private final WorkerPool pool;
    private final Maintenance maintenance;
    private final VacuumDuty vacuumDuty;
    private final EventBus events = new EventBus();
    private final io.ordo.core.event.EventLog eventLog;
    private final io.ordo.core.event.EventHub eventHub;
    private final JobMonitor monitor;
    private final io.ordo.core.engine.DependencyMonitor dependencies;
    private final io.ordo.core.definition.Definitions definitions;
    private final io.ordo.core.definition.DefinitionScheduler scheduler;
    private final io.ordo.core.schedule.Schedules schedules;
    private final io.ordo.core.ops.Queues queues;
    private final io.ordo.core.ops.Cluster cluster;
    private final io.ordo.core.engine.LimitCache limits;
    private final io.ordo.core.engine.EngineMetrics metrics;
    private final io.ordo.core.engine.Leadership leadership;
    private volatile boolean started;
    private volatile boolean closed;

    private Ordo(OrdoConfig config) {
        this.config = config;
        // a bad isolation list fails the node before anything is opened
        var isolation = io.ordo.core.engine.isolation.ProcessIsolation.of(config.isolated(), allHandlers(config), config.cancelGrace());
        this.ownsStore = config.store() == null;
        this.store = ownsStore ? JobStoreProvider.openUrl(config.storeUrl(), config.storeProperties()) : config.store();
        this.leadership = new io.ordo.core.engine.Leadership(store, config.nodeId(), config.clock(), config.leaderLease());
        this.queue = openQueue(config, store, ownsStore, leadership);
        this.handlers = new HandlerRegistry(config.handlers(), config.actions(), config.builtinHandlers(), store).wrapHandlers(isolation::wrap);
        Set<String> served;
        try { // capabilities and routing: --types names registered handlers only
            served = config.servedTypes(handlers.types());
        } catch (RuntimeException e) {
            if (ownsStore) store.close();
            throw e;
        }
        JobFactory factory = new JobFactory(config, handlers);
        RetryPolicy retry = new RetryPolicy(config, handlers);
        Map<String, Integer> caps = new HashMap<>();
        config.queues().values().forEach(q -> {
            if (q.capacity() != null) caps.put(q.name(), q.capacity());
        });
        this.limits = new io.ordo.core.engine.LimitCache(store, new InsertOptions(caps));
        java.util.function.Supplier<InsertOptions> insertOptions = limits::insertOptions;
        this.eventHub = new io.ordo.core.event.EventHub(store);
        this.eventLog = new io.ordo.core.event.EventLog(store, config.eventBuffer(), eventHub::wake, eventHub::lost);
        store.onEventsAppended(eventHub::wake);
        events.subscribe(eventLog::add);
        this.monitor = new JobMonitor(config, store, events);
        this.maintenance = new Maintenance(config, store, retry, this::wakeAll, this::rescued, leadership::leading);
        monitor.sweepWhen(leadership::leading);
        maintenance.onWebhookQueued(m -> queue.publishReady(List.of(m)));
        this.vacuumDuty = store.health().map(h -> new VacuumDuty(config, h)).orElse(null);
        if (vacuumDuty != null) vacuumDuty.dutyWhen(leadership::leading);
        var queueMetrics = new io.ordo.core.engine.QueueMetrics(store, config.nodeId());
        Map<String, Integer> slots = new HashMap<>();
        config.queues().values().forEach(q -> slots.put(q.name(), config.workers() ? q.concurrency() : 0));
        this.metrics = config.meterRegistry() == null ? null
                : new io.ordo.core.engine.EngineMetrics(config.meterRegistry(), store, slots, this::runningIn);
        // status changes are not published here: the store writes their events with the change itself
        this.dependencies = new io.ordo.core.engine.DependencyMonitor(config, store, this::released);
        dependencies.sweepWhen(leadership::leading);
        monitor.onFinished(dependencies::ended);
        io.ordo.core.engine.JobObserver depsObserver = new io.ordo.core.engine.JobObserver() {
            @Override
            public void ended(Job job, JobStatus status, String error, Instant now) {
                if (status.isTerminal()) dependencies.ended(job.id());
            }
        };
        var observer = metrics == null ? io.ordo.core.engine.JobObserver.all(queueMetrics, depsObserver)
                : io.ordo.core.engine.JobObserver.all(queueMetrics, metrics, depsObserver);
        this.pool = config.workers()
                ? new WorkerPool(config, store, queue, handlers, factory, retry, insertOptions, limits, this::inserted, maintenance::wakeAt,
                monitor, events, observer)
                : null;
        this.queues = new io.ordo.core.ops.Queues(config, store, queue, this::queueFlagsChanged);
        queues.limitsChangedHere(limits::refresh);
        this.cluster = new io.ordo.core.ops.Cluster(config, store, events, queueMetrics, queues, served,
                this::runningHere, paused -> {
                    if (pool != null) pool.paused(paused);
                }, leadership);
        cluster.onDrain(on -> {
            if (pool != null) pool.drain(on);
        });
        cluster.everySecond(limits::refresh);
        if (metrics != null) {
            cluster.onReport(metrics::poll);
            metrics.broker(queue);
        }
        monitor.onCancel(this::cancelled);
        monitor.onResumed(this::resumed);
        var runner = new io.ordo.core.definition.DefinitionRunner(store, handlers.actions(), insertOptions, config.clock(),
                this::inserted);
        runner.attach(monitor);
        this.definitions = new io.ordo.core.definition.Definitions(store, runner, handlers.actions(), config.clock());
        this.scheduler = new io.ordo.core.definition.DefinitionScheduler(store, runner, config.clock(), config.scheduler(),
                leadership::leading);
        this.schedules = new io.ordo.core.schedule.Schedules(store, factory, insertOptions, config.clock(), this::inserted);
        var scheduleTicker = new io.ordo.core.schedule.ScheduleTicker(store, schedules, io.ordo.core.schedule.ScheduleTicker.DEFAULT_GRACE);
        scheduler.alsoTick(scheduleTicker::tick);
        leadership.onChange(() -> {
            maintenance.wake();
            queue.leadershipChanged();
        });
        var batches = new io.ordo.core.batch.Batches(store, factory, insertOptions, config.clock(), this::inserted);
        batches.attach(monitor);
        this.jobs = new Jobs(store, factory, insertOptions, config.clock(), this::inserted, this::cancelledByUser, batches);
    }

    private static List<io.ordo.core.handler.JobHandler> allHandlers(OrdoConfig config) {
        List<io.ordo.core.handler.JobHandler> all = new java.util.ArrayList<>(config.builtinHandlers() ? HandlerRegistry.builtins() : List.of());
        all.addAll(config.handlers());
        return all;
    }

    /** The store as the queue, or a broker: an unreachable broker fails the node (and closes a store opened for it). */
    private static QueueBackend openQueue(OrdoConfig config, JobStore store, boolean ownsStore,
                                          io.ordo.core.engine.Leadership leadership) {
        if (io.ordo.core.queue.QueueBackends.isStore(config.queueBackend())) return new StoreQueueBackend(store, store.kind().equals("memory") ? "memory" : "jdbc");
        try {
            var transport = io.ordo.core.queue.QueueTransportProvider.openUrl(config.queueBackend(),
                    new io.ordo.core.queue.TransportSettings(config.nodeId(), config.redeliverAfter()));
            return new io.ordo.core.queue.TransportQueueBackend(store, transport, config.clock(), config.poll(),
                    config.reconcileInterval(), config.queueDuties(), leadership::leading);
        } catch (RuntimeException e) {
            if (ownsStore) store.close();
            throw e;
        }
    }

    /** Opens the store (running its migrations) and wires the node; call {@link #start()} to run jobs. */
    public static Ordo create(OrdoConfig config) {
        return new Ordo(config);
    }

    /** Starts workers and maintenance. */
    public synchronized Ordo start() {
        if (started) return this;
        started = true;
        eventLog.start();
        eventHub.start();
        leadership.start();
        maintenance.start();
        if (vacuumDuty != null) vacuumDuty.start();
        monitor.start();
        dependencies.start();
        scheduler.start();
        cluster.start();
        queue.start();
        if (pool != null) pool.start();
        log.info("ordo node {} started on {} store, queue carried by {}", config.nodeId(), store.kind(), queue.describe());
        return this;
    }

    public Jobs jobs() {
        return jobs;
    }

    public JobStore store() {
        return store;
    }

    /** What carries the queue: the store itself ("jdbc") or a broker. */
    public QueueBackend queueBackend() {
        return queue;
    }

    public OrdoConfig config() {
        return config;
    }

    public Set<String> handlerTypes() {
        return handlers.types();
    }

    /** The step actions this node runs, by name. */
    public Map<String, io.ordo.core.action.StepAction> actions() {
        return handlers.actions();
    }

    /** Jobs running on this node now. */
    public int runningHere() {
        return pool == null ? 0 : pool.runningCount();
    }

    public Maintenance maintenance() {
        return maintenance;
    }

    /** Whether this node leads the cluster (runs the cluster-wide duties) now. */
    public io.ordo.core.engine.Leadership leadership() {
        return leadership;
    }

    private void inserted(List<Job> created) {
        if (metrics != null) created.forEach(metrics::submitted);
        if (created.isEmpty()) return;
        dependencies.inserted(created);
        ready(created);
    }

    /** Jobs a dependency release moved to pending: published and their workers woken, as new ones. */
    private void released(List<Job> jobs) {
        ready(jobs);
    }

    private void ready(List<Job> created) {
        queue.publish(created);
        if (pool == null) return;
        Set<String> ready = created.stream().filter(j -> j.status() == JobStatus.PENDING).map(Job::queue).collect(Collectors.toSet());
        ready.forEach(pool::wake);
        created.stream().filter(j -> j.status() == JobStatus.SCHEDULED).map(Job::runAt).min(java.util.Comparator.naturalOrder())
                .ifPresent(maintenance::wakeAt);
    }

    /** A parent continuing after its children is pending again: delivered as a new job is, not counted as submitted. */
    private void resumed(Job job) {
        queue.publish(List.of(job));
        if (pool != null) pool.wake(job.queue());
    }

    private void cancelled(CancelResult r) {
        if (pool != null) pool.cancelRequested(r.cancelRequested());
        r.cancelled().forEach(dependencies::ended); // the job and its descendants: jobs may depend on any of them
    }

    private void cancelledByUser(CancelResult r) {
        cancelled(r);
        if (r.job().isTerminal()) monitor.check(r.job().parentId());
    }

    private void rescued(Job job) {
        monitor.ended(job);
        dependencies.ended(job.id()); // failed as abandoned, or retried: its dependants find out which
    }

    private void queueFlagsChanged() {
        cluster.flagsChanged();
    }

    private int runningIn(String queue) {
        return pool == null ? 0 : pool.runningIn(queue);
    }

    /** Queues: stats, pause and resume. */
    public io.ordo.core.ops.Queues queues() {
        return queues;
    }

    /** The cluster: the nodes on this store and their state. */
    public io.ordo.core.ops.Cluster cluster() {
        return cluster;
    }

    /** The webhook signing secret: the configured one, else the one generated once and kept in the store. */
    public String webhookSecret() {
        return config.webhookSecret() != null ? config.webhookSecret()
                : store.setting(io.ordo.core.ops.Webhooks.SECRET_SETTING, io.ordo.core.ops.Webhooks::newSecret);
    }

    /**
     * The live events this node publishes that the store does not write itself: task and job
     * progress, saved results and queue stats, as they happen. Status changes, spawns and log lines
     * are written by the store in the transaction of the change; {@link #eventHub()} delivers every
     * event of every node, from the store's log, in one order.
     */
    public EventBus events() {
        return events;
    }

    /** Live events from the store's event log (all nodes on the store), for SSE/WebSocket/CLI subscribers. */
    public io.ordo.core.event.EventHub eventHub() {
        return eventHub;
    }

    public JobMonitor monitor() {
        return monitor;
    }

    /** Job definitions: store, list and run them. */
    /** Recurring plain jobs: a job of a type submitted on each tick of a cron expression. */
    public io.ordo.core.schedule.Schedules schedules() {
        return schedules;
    }

    public io.ordo.core.definition.Definitions definitions() {
        return definitions;
    }

    private void wakeAll() {
        if (pool != null) pool.wakeAll();
    }

    /** Graceful shutdown: stop claiming, let running jobs finish within the grace period, hand back the rest. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (pool != null && started) pool.close();
        scheduler.close();
        cluster.close();
        monitor.close();
        dependencies.close();
        maintenance.close();
        if (vacuumDuty != null) vacuumDuty.close();
        queue.close();
        leadership.close();
        eventLog.close();
        eventHub.close();
        if (ownsStore) store.close();
        log.info("ordo node {} stopped", config.nodeId());
    }
}
