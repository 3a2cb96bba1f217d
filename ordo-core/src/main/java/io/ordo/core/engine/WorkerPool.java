package io.ordo.core.engine;

import io.ordo.core.OrdoConfig;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.NewJob;
import io.ordo.core.queue.QueueBackend;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.Failure;
import io.ordo.core.store.HeartbeatResult;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.LimitedClaim;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs jobs on this node: per queue, a fetcher claims as many jobs as there are free slots (in one
 * claim) and starts each on a virtual thread with the handler registered for its type. Only types
 * with a handler here are ever claimed. Leases are renewed by one heartbeat for all running jobs.
 */
public final class WorkerPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

    private final OrdoConfig config;
    private final JobStore store;
    private final QueueBackend queueBackend;
    private final HandlerRegistry handlers;
    private final JobFactory factory;
    private final RetryPolicy retry;
    private final java.util.function.Supplier<InsertOptions> insertOptions;
    private final LimitCache limits;
    private final Consumer<List<Job>> onInserted;
    private final Consumer<Instant> onRetryScheduled;
    private final JobMonitor monitor;
    private final io.ordo.core.event.EventBus events;
    private final JobObserver observer;
    private volatile Set<String> paused = Set.of();
    private volatile boolean draining;
    private final Map<String, QueueState> queues = new ConcurrentHashMap<>();
    private final Map<UUID, RunningJob> running = new ConcurrentHashMap<>();
    private final CompletionBatcher completer;
    private final ScheduledExecutorService timers;
    private final Signal heartbeatSignal = new Signal();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    private static final class QueueState {
        final String name;
        final Semaphore slots;
        final Signal signal = new Signal();
        // claims hold it shared from the pause check to the end of the claim; pausing takes it
        // exclusively once, so no claim that saw the queue running is still in flight afterwards
        final java.util.concurrent.locks.ReentrantReadWriteLock pauseGate = new java.util.concurrent.locks.ReentrantReadWriteLock();
        // a stored limit kept its last claim short: a job ending here wakes it (it may free a slot)
        volatile boolean heldByLimit;

        QueueState(String name, int concurrency) {
            this.name = name;
            this.slots = new Semaphore(concurrency);
        }
    }

    /**
     * @param onInserted       told about jobs this pool inserted (spawned children), to wake workers
     * @param onRetryScheduled told when a retry was scheduled, so the promoter wakes in time
     */
    public WorkerPool(OrdoConfig config, JobStore store, QueueBackend queueBackend, HandlerRegistry handlers,
                      JobFactory factory, RetryPolicy retry, java.util.function.Supplier<InsertOptions> insertOptions, LimitCache limits,
                      Consumer<List<Job>> onInserted, Consumer<Instant> onRetryScheduled, JobMonitor monitor,
                      io.ordo.core.event.EventBus events, JobObserver observer) {
        this.monitor = monitor;
        this.events = events;
        this.observer = observer;
        this.config = config;
        this.store = store;
        this.queueBackend = queueBackend;
        this.handlers = handlers;
        this.factory = factory;
        this.retry = retry;
        this.insertOptions = insertOptions;
        this.limits = limits;
        this.onInserted = onInserted;
        this.onRetryScheduled = onRetryScheduled;
        this.completer = new CompletionBatcher(store, Math.max(config.claimBatch(), 100), config.writers(), this::completed);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ordo-timers");
            t.setDaemon(true);
            return t;
        });
        config.queues().values().forEach(q -> {
            if (q.concurrency() > 0) queues.put(q.name(), new QueueState(q.name(), q.concurrency()));
        });
    }

    public void start() {
        completer.start();
        for (QueueState q : queues.values()) {
            // several claimers per queue: while one waits for its claim to commit, another claims
            for (int i = 0; i < config.claimers(); i++) {
                threads.add(Thread.ofVirtual().name("ordo-fetch-" + q.name + "-" + i).start(() -> fetchLoop(q)));
            }
        }
        threads.add(Thread.ofVirtual().name("ordo-heartbeat").start(this::heartbeatLoop));
        queueBackend.onAvailable(this::wake);
        log.info("worker pool {} started: queues {}, types {}", config.nodeId(),
                queues.keySet(), new java.util.TreeSet<>(handlers.types()));
    }

    ScheduledExecutorService timers() {
        return timers;
    }

    JobStore store() {
        return store;
    }

    io.ordo.core.event.EventBus events() {
        return events;
    }

    Instant now() {
        return config.clock().instant();
    }

    /** Jobs may be ready in {@code queue}: wake its fetcher. */
    public void wake(String queue) {
        QueueState q = queues.get(queue);
        if (q != null) q.signal.wake();
    }

    public void wakeAll() {
        queues.values().forEach(q -> q.signal.wake());
    }

    /** Someone asked these jobs to stop; those running here see isCancelled() and are interrupted after the grace period. */
    public void cancelRequested(Collection<UUID> ids) {
        for (UUID id : ids) {
            RunningJob rj = running.get(id);
            if (rj != null && !rj.cancelRequested) {
                rj.cancelRequested = true;
                rj.cancelTimer = timers.schedule(rj::interruptHandler, config.cancelGrace().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Number of jobs running on this node now. */
    public int runningCount() {
        return running.size();
    }

    // ---- claiming -------------------------------------------------------------------------------

    private void fetchLoop(QueueState q) {
        Set<String> types = config.servedTypes(handlers.types());
        Set<String> requirementKeys = config.capabilities().subsetKeys(); // capabilities: the requirements this node meets
        int errors = 0;
        while (!stopping) {
            try {
                if (!q.slots.tryAcquire(200, TimeUnit.MILLISECONDS)) continue;
            } catch (InterruptedException e) {
                return;
            }
            if (stopping) {
                q.slots.release();
                return;
            }
            q.pauseGate.readLock().lock();
            if (draining || paused.contains(q.name)) { // paused: claim nothing, look again after a poll interval
                q.pauseGate.readLock().unlock();
                q.slots.release();
                q.signal.await(config.poll());
                continue;
            }
            int want = 1 + q.slots.drainPermits();
            if (want > config.claimBatch()) {
                q.slots.release(want - config.claimBatch());
                want = config.claimBatch();
            }
            List<Job> jobs;
            LimitedClaim limited = null;
            try {
                ClaimRequest request = new ClaimRequest(q.name, types, want, config.nodeId(), config.lease(), now(),
                        requirementKeys);
                // the plain claim stays one statement; only a queue or type with a stored limit takes the limited path
                if (limits.limits().limitsClaim(q.name, types)) {
                    limited = queueBackend.claimLimited(request);
                    jobs = limited.jobs();
                } else {
                    jobs = queueBackend.claim(request);
                }
                errors = 0;
            } catch (RuntimeException e) {
                q.pauseGate.readLock().unlock();
                q.slots.release(want);
                errors++;
                log.error("claiming from queue {} failed (try {}); backing off", q.name, errors, e);
                q.signal.await(Duration.ofMillis(Math.min(10_000, 100L << Math.min(errors, 7))));
                continue;
            }
            q.pauseGate.readLock().unlock();
            q.slots.release(want - jobs.size());
            for (Job job : jobs) launch(q, job);
            q.heldByLimit = limited != null && limited.held();
            if (q.heldByLimit && jobs.size() < want) {
                q.signal.await(limitBackoff(limited));
                continue;
            }
            // a broker's receive has already waited for messages; the store is polled
            if (jobs.size() < want && queueBackend.storeIsQueue()) q.signal.await(config.poll());
        }
    }

    /**
     * How long a claimer that a limit held back waits before it asks again: until the used-up rate
     * window ends (at most {@link #LIMIT_RECHECK}, so that a cleared limit is seen soon), else a poll
     * interval; a job ending on this node wakes it sooner.
     */
    private Duration limitBackoff(LimitedClaim held) {
        if (held.retryAt() == null) return config.poll();
        Duration d = Duration.between(now(), held.retryAt());
        if (d.isNegative() || d.isZero()) return Duration.ofMillis(1);
        return d.compareTo(LIMIT_RECHECK) > 0 ? LIMIT_RECHECK : d;
    }

    private static final Duration LIMIT_RECHECK = Duration.ofSeconds(5);

    /** A job ended here: claimers that a limit held back may start one now (a max_running slot is free). */
    private void limitSlotFreed() {
        for (QueueState s : queues.values()) if (s.heldByLimit) s.signal.wake();
    }

    /** The queues paused now (read from the store by the node's operations loop). */
    public void paused(Set<String> queues) {
        Set<String> was = paused;
        paused = Set.copyOf(queues);
        for (String q : was) if (!paused.contains(q)) wake(q);
        for (String name : paused) {
            QueueState q = this.queues.get(name);
            if (q == null || was.contains(name)) continue;
            q.pauseGate.writeLock().lock(); // waits out claims that began before the pause
            q.pauseGate.writeLock().unlock();
        }
    }

    /**
     * Drains this node: no queue claims anything until resumed; running jobs go on. Returns once no claim
     * that began before is still in flight, so the running count only falls from then on.
     */
    public void drain(boolean on) {
        draining = on;
        for (QueueState q : queues.values()) {
            if (on) {
                q.pauseGate.writeLock().lock();
                q.pauseGate.writeLock().unlock();
            } else {
                q.signal.wake();
            }
        }
    }

    /** Jobs running on this node in {@code queue}. */
    public int runningIn(String queue) {
        int n = 0;
        for (RunningJob rj : running.values()) if (rj.queue.equals(queue)) n++;
        return n;
    }

    private void launch(QueueState q, Job job) {
        JobHandler handler = handlers.get(job.type()).orElseThrow(); // only registered types are claimed
        observer.claimed(job, now());
        RunningJob rj = new RunningJob(this, job, handler, q.name);
        running.put(job.id(), rj);
        if (job.timeout() != null) {
            rj.timeoutTimer = timers.schedule(() -> {
                rj.timedOut = true;
                rj.interruptHandler();
                rj.abandonTimer = timers.schedule(() -> abandon(q, rj), config.cancelGrace().toMillis(), TimeUnit.MILLISECONDS);
            }, job.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        Thread.ofVirtual().name("ordo-job-" + job.id()).start(() -> execute(q, rj));
    }

    // ---- running --------------------------------------------------------------------------------

    private void execute(QueueState q, RunningJob rj) {
        Object result = null;
        Throwable error = null;
        rj.handlerStarted(Thread.currentThread());
        try {
            if (!rj.isCancelled()) result = rj.handler.run(rj);
        } catch (Throwable t) {
            error = t;
        } finally {
            rj.handlerFinished();
        }
        try {
            finish(q, rj, result, error);
        } catch (RuntimeException e) {
            log.error("job {}: storing the outcome failed; it will be retried after its lease expires", rj.job().id(), e);
        } finally {
            running.remove(rj.job().id());
            if (rj.slotReleased.compareAndSet(false, true)) q.slots.release();
        }
    }

    /**
     * A handler still running a cancel grace after its timeout ignores interrupts: its attempt is
     * failed as timed out now (retried or failed as the policy says), its lease is no longer
     * renewed and its slot is given back. Its thread is left to end by itself; whatever it writes
     * later is refused by the store, whose lease has moved on.
     */
    private void abandon(QueueState q, RunningJob rj) {
        if (!rj.handlerRunning() || rj.handedBack || rj.lost || rj.cancelRequested) return;
        rj.abandoned = true;
        running.remove(rj.job().id());
        log.warn("job {} attempt {}: still running {} after its timeout of {}; its slot is given back and the attempt failed as timed out",
                rj.job().id(), rj.job().attempt(), io.ordo.core.util.Durations.format(config.cancelGrace()),
                io.ordo.core.util.Durations.format(rj.job().timeout()));
        try {
            storeFailure(q, rj, AttemptErrors.timeout(rj.job(), now()), null);
        } catch (RuntimeException e) {
            log.error("job {}: storing the timeout failed; it will be retried after its lease expires", rj.job().id(), e);
        } finally {
            if (rj.slotReleased.compareAndSet(false, true)) q.slots.release();
            wake(q.name);
        }
    }

    private void finish(QueueState q, RunningJob rj, Object result, Throwable error) {
        Job job = rj.job();
        Instant now = now();
        if (rj.handedBack || rj.abandoned) return;
        if (rj.lost) {
            log.warn("job {} attempt {}: lease lost while running; outcome discarded", job.id(), job.attempt());
            return;
        }
        if (rj.cancelRequested) {
            if (!store.finishCancelled(job.lease(), now)) log.warn("job {}: lease lost before cancel was stored", job.id());
            else {
                monitor.ended(job);
                observer.ended(job, JobStatus.CANCELLED, "cancelled", now);
            }
            return;
        }
        // a handler that swallowed the timeout's interrupt and returned is still timed out
        if (error == null && !rj.timedOut) {
            try {
                com.fasterxml.jackson.databind.JsonNode tree = Json.resultTree(result);
                rj.settleContinuation();
                completer.add(new Completion(job.lease(), tree, now, job));
                if (tree != null) rj.resultSaved(tree);
                return;
            } catch (IllegalArgumentException e) {
                error = new IllegalStateException("result is not serializable to JSON: " + e.getMessage(), e);
            }
        }
        AttemptError attemptError = rj.timedOut ? AttemptErrors.timeout(job, now)
                : new AttemptError(job.attempt(), job.leaseOwner(), now, AttemptError.ERROR, AttemptErrors.describe(error));
        storeFailure(q, rj, attemptError, error);
    }

    private void storeFailure(QueueState q, RunningJob rj, AttemptError attemptError, Throwable error) {
        Job job = rj.job();
        Instant now = attemptError.at();
        Failure f = error instanceof io.ordo.core.handler.PermanentFailure
                ? new Failure(job.lease(), attemptError, JobStatus.FAILED, null, now)
                : retry.decide(job, attemptError, now);
        if (!store.fail(f)) {
            log.warn("job {}: lease lost before the failure was stored", job.id());
            return;
        }
        if (f.next() == JobStatus.FAILED) monitor.ended(job);
        limitSlotFreed();
        observer.ended(job, f.next(), attemptError.message(), now);
        if (f.next() == JobStatus.PENDING) wake(q.name);
        if (f.next() == JobStatus.SCHEDULED) onRetryScheduled.accept(f.runAt());
    }

    List<SubmitResult> spawn(RunningJob parent, List<JobRequest> children, boolean truncate) {
        List<NewJob> built = factory.build(children, parent.job(), now());
        List<SubmitResult> results = store.spawn(parent.leaseToken(), built, insertOptions.get(), truncate);
        List<Job> created = results.stream().filter(SubmitResult::created).map(SubmitResult::job).toList();
        onInserted.accept(created);
        // their job_spawn events were written by the store with the children
        return results;
    }

    /** After a batch of completions is stored: parents of completed jobs, and jobs now waiting, are checked. */
    private void completed(List<Completion> batch, java.util.Map<UUID, JobStatus> done) {
        for (Completion c : batch) {
            JobStatus s = done.get(c.lease().jobId());
            if (s == null || c.job() == null) continue;
            Job job = c.job();
            if (s == JobStatus.COMPLETED && job.parentId() != null) {
                monitor.check(job.parentId());
                // the scope job's progress counts its whole scope
                if (job.scopeId() != null && !job.scopeId().equals(job.parentId()) && !job.scopeId().equals(job.id())) monitor.check(job.scopeId());
            }
            // a child may have ended between our check for live children and our commit: look again
            if (s == JobStatus.WAITING) monitor.check(job.id());
            observer.ended(job, s, null, c.now());
        }
        limitSlotFreed();
    }

    // ---- leases ---------------------------------------------------------------------------------

    private void heartbeatLoop() {
        while (!stopping) {
            heartbeatSignal.await(config.heartbeat());
            if (stopping) return;
            heartbeatOnce();
        }
    }

    /** Renews every lease held here; stops jobs whose lease is gone and flags requested cancels. */
    void heartbeatOnce() {
        List<Lease> leases = running.values().stream().map(RunningJob::leaseToken).toList();
        if (leases.isEmpty()) return;
        Instant now = now();
        HeartbeatResult r;
        try {
            r = store.heartbeat(leases, now.plus(config.lease()), now);
        } catch (RuntimeException e) {
            log.error("heartbeat for {} jobs failed; leases expire at the latest {} after the last renewal",
                    leases.size(), config.lease(), e);
            return;
        }
        for (UUID id : r.lost()) {
            RunningJob rj = running.get(id);
            if (rj != null && !rj.lost) {
                log.warn("job {} attempt {}: lease lost (expired and taken over, or cancelled); stopping it", id, rj.job().attempt());
                rj.lost = true;
                rj.interruptHandler();
            }
        }
        cancelRequested(r.cancelRequested());
    }

    // ---- shutdown -------------------------------------------------------------------------------

    /**
     * Stops claiming, lets running jobs finish within the shutdown grace period, then interrupts
     * the rest and hands them back to pending for another node.
     */
    @Override
    public void close() {
        stopping = true;
        wakeAll();
        heartbeatSignal.wake();
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            heartbeatIfDue();
            sleepQuietly(Duration.ofMillis(20));
        }
        for (RunningJob rj : List.copyOf(running.values())) {
            rj.handedBack = true; // its own outcome must not be stored after we hand it back
            rj.lost = true;
            rj.interruptHandler();
            boolean back = store.handBack(rj.leaseToken(), "node " + config.nodeId() + " shut down before the job finished", now());
            log.warn("job {} still running at shutdown: {}", rj.job().id(), back ? "handed back to pending" : "lease already lost");
        }
        completer.close(Duration.ofSeconds(10));
        timers.shutdownNow();
    }

    private long lastShutdownBeat = System.nanoTime();

    private void heartbeatIfDue() {
        if (System.nanoTime() - lastShutdownBeat > config.heartbeat().toNanos()) {
            lastShutdownBeat = System.nanoTime();
            heartbeatOnce();
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
