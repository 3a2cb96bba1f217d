package io.ordo.core.engine;

import io.ordo.core.ConflictException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.OrdoConfig;
import io.ordo.core.event.EventBus;
import io.ordo.core.event.EventTypes;
import io.ordo.core.event.OrdoEvent;
import io.ordo.core.model.ChildCounts;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Page;
import io.ordo.core.store.CancelResult;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Durations;
import io.ordo.core.util.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Finishes parents when their children are done. Every terminal transition of a child asks the
 * monitor to check its parent; the check reads the parent's counters (maintained by the store as
 * children change state — no scan of the jobs) and, when no child is live, ends a waiting parent
 * by its {@link ChildPolicy}. Failed children are also checked against the tolerance as they fail
 * ({@code stop_all} cancels the rest at once). Parents of some types (a definition run) have their
 * own {@link ParentEvaluator}. A periodic sweep re-checks waiting parents from the store, which
 * covers a node that died between a child's end and its parent's check, and enforces timeouts of
 * waiting jobs.
 */
public final class JobMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobMonitor.class);
    private static final Duration PROGRESS_EVERY = Duration.ofMillis(250);
    private static final int SWEEP_PAGE = 500;

    /** Decides for parents of one type; called on every change of their children. */
    public interface ParentEvaluator {
        void evaluate(Job parent, ChildCounts children, JobMonitor monitor);
    }

    private final OrdoConfig config;
    private final JobStore store;
    private final EventBus events;
    private final Map<String, ParentEvaluator> evaluators = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<UUID> queue = new LinkedBlockingQueue<>();
    private final Set<UUID> queued = ConcurrentHashMap.newKeySet();
    /** Parents being checked right now on this node: one check per parent at a time. */
    private final Set<UUID> checking = ConcurrentHashMap.newKeySet();
    private final Map<UUID, Instant> lastProgress = new ConcurrentHashMap<>();
    private final Signal sweepSignal = new Signal();
    private volatile boolean stopping;
    private final java.util.List<Thread> workers = new java.util.ArrayList<>();
    private Thread sweeper;

    public JobMonitor(OrdoConfig config, JobStore store, EventBus events) {
        this.config = config;
        this.store = store;
        this.events = events;
    }

    public void register(String parentType, ParentEvaluator evaluator) {
        evaluators.put(parentType, evaluator);
    }

    public void start() {
        workers.add(Thread.ofVirtual().name("ordo-monitor-0").start(this::work));
        workers.add(Thread.ofVirtual().name("ordo-monitor-1").start(this::work));
        sweeper = Thread.ofVirtual().name("ordo-monitor-sweep").start(this::sweepLoop);
    }

    public JobStore store() {
        return store;
    }

    public Instant now() {
        return config.clock().instant();
    }

    /** Asks for a check of {@code parentId} soon (coalesced: one pending check per parent). */
    public void check(UUID parentId) {
        if (parentId != null && queued.add(parentId)) queue.add(parentId);
    }

    /**
     * A job ended: check its parent, and its scope job when that is further up (a failure deep in a
     * crawl counts against the step's tolerance at once).
     */
    public void ended(Job job) {
        check(job.parentId());
        if (job.scopeId() != null && !job.scopeId().equals(job.id()) && !job.scopeId().equals(job.parentId())) check(job.scopeId());
    }

    public void checkAll(Collection<UUID> parentIds) {
        parentIds.forEach(this::check);
    }

    private void work() {
        while (!stopping) {
            UUID id;
            try {
                id = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (id == null) continue;
            queued.remove(id);
            if (!checking.add(id)) { // the other worker has it: check again after it is done
                check(id);
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                continue;
            }
            try {
                evaluate(id);
            } catch (RuntimeException e) {
                log.warn("checking parent {} failed; the sweep will check it again", id, e);
            } finally {
                checking.remove(id);
            }
        }
    }

    /** Checks one parent now, on this thread. */
    public void evaluate(UUID id) {
        Job parent = store.get(id).orElse(null);
        if (parent == null || parent.isTerminal()) return;
        if (DependencyMonitor.isWaitingOnDependencies(parent)) return; // not a parent: the DependencyMonitor's
        ChildCounts children = new ChildCounts(store.childCounts(id));
        ParentEvaluator special = evaluators.get(parent.type());
        if (special != null) {
            special.evaluate(parent, children, this);
            return;
        }
        if (children.total() == 0) return;
        ChildCounts scope = scopeView(parent, children);
        publishProgress(parent, scope, false);
        ChildPolicy p = parent.childPolicy();
        long failed = scope.get(JobStatus.FAILED);
        if (p != null && p.maxChildFailures() != null && failed >= p.maxChildFailures()
                && p.action() == ChildPolicy.Action.STOP_ALL && children.live() > 0) {
            log.info("job {}: {} children failed (max_child_failures {}): stopping the rest", id, failed, p.maxChildFailures());
            cancelChildren(id);
            children = new ChildCounts(store.childCounts(id));
        }
        if (parent.status() == JobStatus.WAITING && children.live() == 0) {
            if (!parent.cancelRequested() && parent.meta().path("continue_after_children").asBoolean(false)) {
                resume(parent);
                return;
            }
            Outcome o = outcome(parent, scope);
            finish(parent, o.status, o.error, o.warning);
        }
    }

    /** A scope job's progress and tolerance count its whole scope; other parents their children. */
    private ChildCounts scopeView(Job parent, ChildCounts children) {
        return parent.id().equals(parent.scopeId()) ? new ChildCounts(store.scopeCounts(parent.id())) : children;
    }

    private record Outcome(JobStatus status, String error, String warning) {
    }

    private static Outcome outcome(Job parent, ChildCounts c) {
        if (parent.cancelRequested()) return new Outcome(JobStatus.CANCELLED, "cancelled", null);
        // a parent that continued after its children has seen their failures in its handler, which decided
        if (parent.meta().path("continuation").asInt(0) > 0) return new Outcome(JobStatus.COMPLETED, null, null);
        long failed = c.get(JobStatus.FAILED);
        ChildPolicy p = parent.childPolicy();
        if (p == null || p.maxChildFailures() == null) {
            return failed == 0 ? new Outcome(JobStatus.COMPLETED, null, null)
                    : new Outcome(JobStatus.FAILED, failed + " of " + c.total() + " children failed", null);
        }
        if (failed < p.maxChildFailures()) return new Outcome(JobStatus.COMPLETED, null, null);
        String what = failed + " of " + c.total() + " children failed (max_child_failures " + p.maxChildFailures() + ")";
        return switch (p.action()) {
            case STOP_ALL -> new Outcome(JobStatus.FAILED, "stopped: " + what, null);
            case MARK_WARNING -> new Outcome(JobStatus.COMPLETED, null, what);
            case CONTINUE -> new Outcome(JobStatus.COMPLETED, null, null);
        };
    }

    /**
     * Ends a waiting parent (fenced: only if it is still waiting) and checks its own parent.
     *
     * @return whether this call ended it
     */
    public boolean finish(Job parent, JobStatus to, String error, String warning) {
        var meta = warning == null ? null : Json.MAPPER.createObjectNode().put("warning", warning);
        Instant now = now();
        ChildCounts counts = scopeView(parent, new ChildCounts(store.childCounts(parent.id())));
        store.setProgress(parent.id(), counts.terminal(), counts.total(), counts.progressText(), now);
        if (!store.finishWaiting(parent.id(), to, error, meta, now)) return false;
        lastProgress.remove(parent.id());
        publishProgress(parent, counts, true); // its status change was written by the store with the change
        check(parent.parentId());
        onFinished.accept(parent.id());
        return true;
    }

    private Consumer<Job> onResumed = j -> { };

    /** Told about every parent the monitor sends back to pending, so that it reaches a worker (queue transports, idle pools). */
    public void onResumed(Consumer<Job> listener) {
        this.onResumed = listener;
    }

    /**
     * Sends a waiting parent that asked to continue back to pending, as its next continuation. Only
     * one node's store write succeeds (it acts on a waiting job only), so it runs once however many
     * nodes check the parent.
     */
    private void resume(Job parent) {
        Instant now = now();
        int next = parent.meta().path("continuation").asInt(0) + 1;
        ChildCounts counts = scopeView(parent, new ChildCounts(store.childCounts(parent.id())));
        publishProgress(parent, counts, true);
        if (!store.resumeWaiting(parent.id(), next, now)) return;
        lastProgress.remove(parent.id());
        log.debug("job {}: children done, continuing ({})", parent.id(), next);
        store.get(parent.id()).ifPresent(onResumed);
    }

    /** Cancels every live child of {@code parentId} (each cascades to its own descendants). */
    public void cancelChildren(UUID parentId) {
        JobFilter live = JobFilter.ALL.withParent(parentId).withStatuses(JobStatus.live());
        String cursor = null;
        do {
            Page<Job> page = store.list(live, cursor, SWEEP_PAGE);
            for (Job child : page.items()) cancel(child.id());
            cursor = page.nextCursor();
        } while (cursor != null);
    }

    private volatile Consumer<UUID> onFinished = id -> { };

    /** Told about every waiting job the monitor ends (jobs may depend on it). */
    public void onFinished(Consumer<UUID> listener) {
        this.onFinished = listener;
    }

    private Consumer<CancelResult> onCancel = r -> { };

    /** Told about every cancel the monitor makes, so that running jobs on this node stop at once. */
    public void onCancel(Consumer<CancelResult> listener) {
        this.onCancel = listener;
    }

    public void cancel(UUID id) {
        try {
            onCancel.accept(store.cancel(id, now()));
        } catch (ConflictException | JobNotFoundException e) {
            log.debug("job {} ended before it could be cancelled", id);
        }
    }

    /** Writes a parent's progress (at most every 250 ms per parent, always at the end) and publishes job_progress. */
    public void publishProgress(Job parent, ChildCounts c, boolean force) {
        Instant now = now();
        Instant last = lastProgress.get(parent.id());
        if (!force && last != null && Duration.between(last, now).compareTo(PROGRESS_EVERY) < 0) return;
        lastProgress.put(parent.id(), now);
        String text = c.progressText();
        if (!force) store.setProgress(parent.id(), c.terminal(), c.total(), text, now);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("job_id", parent.id().toString());
        p.put("status", parent.status().wireName());
        p.put("total_subtasks", c.total());
        p.put("pending_subtasks", c.get(JobStatus.PENDING) + c.get(JobStatus.SCHEDULED));
        p.put("running_subtasks", c.get(JobStatus.RUNNING) + c.get(JobStatus.WAITING));
        p.put("completed_subtasks", c.get(JobStatus.COMPLETED));
        p.put("failed_subtasks", c.get(JobStatus.FAILED));
        p.put("cancelled_subtasks", c.get(JobStatus.CANCELLED));
        p.put("progress_text", text);
        // the results saved in the parent's tree (its scope, or itself and its children), counted through an index
        p.put("result_count", store.countSavedResults(io.ordo.core.model.ResultScope.of(parent)));
        if (parent.parentId() != null) p.put("parent_id", parent.parentId().toString());
        p.put("root_id", parent.rootId().toString());
        p.put("timestamp", now.toString());
        events.publish(new OrdoEvent(EventTypes.JOB_PROGRESS, parent.id(), parent.rootId(), p, now));
    }

    // ---- the sweep ------------------------------------------------------------------------------

    private volatile java.util.function.BooleanSupplier sweepWhen = () -> true;

    /** Runs the periodic sweep only while {@code when} holds (on the cluster's leader). */
    public void sweepWhen(java.util.function.BooleanSupplier when) {
        this.sweepWhen = when;
    }

    private void sweepLoop() {
        while (!stopping) {
            sweepSignal.await(config.monitorSweep());
            if (stopping) return;
            if (!sweepWhen.getAsBoolean()) continue;
            try {
                sweep();
            } catch (RuntimeException e) {
                log.warn("monitor sweep failed; retrying in {}", config.monitorSweep(), e);
            }
        }
    }

    /** Re-checks every waiting job from the store, and fails those past their timeout. */
    public void sweep() {
        String cursor = null;
        do {
            Page<Job> page = store.list(JobFilter.status(JobStatus.WAITING), cursor, SWEEP_PAGE);
            for (Job j : page.items()) {
                if (DependencyMonitor.isWaitingOnDependencies(j)) continue; // never started: no children, no timeout yet
                if (timedOut(j)) {
                    log.warn("job {} timed out after {} while its children ran; cancelling them", j.id(), Durations.format(j.timeout()));
                    cancelChildren(j.id());
                    finish(j, JobStatus.FAILED, "timed out after " + Durations.format(j.timeout()) + " (children still running)", null);
                } else {
                    check(j.id());
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null && !stopping);
    }

    private boolean timedOut(Job j) {
        if (j.timeout() == null) return false;
        Instant start = j.startedAt() != null ? j.startedAt() : j.createdAt();
        return now().isAfter(start.plus(j.timeout()));
    }

    @Override
    public void close() {
        stopping = true;
        sweepSignal.wake();
        java.util.List<Thread> all = new java.util.ArrayList<>(workers);
        all.add(sweeper);
        for (Thread t : all) {
            if (t == null) continue;
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
