package io.ordo.core.engine;

import io.ordo.core.LeaseLostException;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.Lease;
import io.ordo.core.model.LogLevel;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One claimed job on this node: the handler's {@link JobContext}, and the flags the pool uses to
 * stop it (cancel, timeout, lost lease). Interrupts only reach the thread while the handler runs,
 * never while the pool is storing its outcome.
 */
final class RunningJob implements JobContext {
    private final WorkerPool pool;
    private final Job job;
    final JobHandler handler;
    final String queue;
    private Thread thread;
    private boolean handlerRunning;
    volatile boolean cancelRequested;
    volatile boolean timedOut;
    volatile boolean lost;
    /** Given back to pending at shutdown: the outcome is not ours to store any more. */
    volatile boolean handedBack;
    /** Past its timeout and the cancel grace without returning: its failure is stored and its slot given back already. */
    volatile boolean abandoned;
    /** Set once by whoever gives the slot back (the job's own thread, or the abandon timer). */
    final java.util.concurrent.atomic.AtomicBoolean slotReleased = new java.util.concurrent.atomic.AtomicBoolean();
    volatile ScheduledFuture<?> abandonTimer;
    volatile ScheduledFuture<?> timeoutTimer;
    volatile ScheduledFuture<?> cancelTimer;
    private final Object progressLock = new Object();
    // guarded by progressLock
    private long lastProgressEvent;
    /** The newest progress held back by the throttle; published by {@link #progressFlush} or when the handler returns. */
    private java.util.Map<String, Object> heldProgress;
    private ScheduledFuture<?> progressFlush;

    RunningJob(WorkerPool pool, Job job, JobHandler handler, String queue) {
        this.pool = pool;
        this.job = job;
        this.handler = handler;
        this.queue = queue;
    }

    Lease leaseToken() {
        return job.lease();
    }

    synchronized void handlerStarted(Thread t) {
        thread = t;
        handlerRunning = true;
    }

    /** After this no interrupt reaches the thread; a pending interrupt flag is cleared. */
    synchronized void handlerFinished() {
        handlerRunning = false;
        Thread.interrupted();
        if (timeoutTimer != null) timeoutTimer.cancel(false);
        if (cancelTimer != null) cancelTimer.cancel(false);
        if (abandonTimer != null) abandonTimer.cancel(false);
        // the last value reported always goes out, even when the throttle held it back
        flushProgress();
    }

    synchronized void interruptHandler() {
        if (handlerRunning && thread != null) thread.interrupt();
    }

    synchronized boolean handlerRunning() {
        return handlerRunning;
    }

    // ---- JobContext ----------------------------------------------------------------------------

    @Override
    public Job job() {
        return job;
    }

    @Override
    public <T> T payload(Class<T> type) {
        return Json.convert(job.payload(), type);
    }

    @Override
    public void log(LogLevel level, String message) {
        Instant now = now();
        // the store writes the line's job_log event with the line
        fenced(pool.store().appendLog(job.lease(), level, message == null ? "" : message, now), "log");
    }

    @Override
    public void progress(long current, long total, String text) {
        Instant now = now();
        fenced(pool.store().progress(job.lease(), current, total, text, now), "report progress");
        // at most four progress events a second per job; the last step of a task, and the last value
        // reported (when the handler returns), always go out
        java.util.Map<String, Object> p = base(now);
        p.put("status", "running");
        p.put("job_type", job.type());
        p.put("current", current);
        p.put("total", total);
        p.put("current_item", current + "/" + total);
        if (text != null) p.put("current_activity", text);
        p.put("depth", job.depth());
        synchronized (progressLock) { // publishing under the lock keeps the values in order; it never blocks
            long t = System.nanoTime();
            long wait = lastProgressEvent + PROGRESS_EVERY_NANOS - t;
            if (wait > 0 && current < total) {
                heldProgress = p;
                if (progressFlush == null) progressFlush = pool.timers().schedule(this::flushProgress, wait, TimeUnit.NANOSECONDS);
                return;
            }
            heldProgress = null;
            lastProgressEvent = t;
            publish(io.ordo.core.event.EventTypes.TASK_PROGRESS, p, now);
        }
    }

    private static final long PROGRESS_EVERY_NANOS = 250_000_000L;

    /** Publishes the progress the throttle held back, if any. */
    private void flushProgress() {
        synchronized (progressLock) {
            if (progressFlush != null) progressFlush.cancel(false);
            progressFlush = null;
            var held = heldProgress;
            heldProgress = null;
            if (held == null) return;
            lastProgressEvent = System.nanoTime();
            publish(io.ordo.core.event.EventTypes.TASK_PROGRESS, held, now());
        }
    }

    /** The handler returned a value (its main result): publish result_saved for it. */
    void resultSaved(com.fasterxml.jackson.databind.JsonNode result) {
        Instant now = now();
        // a returned value is the job's main result, not a saved one: its id is the job's
        publishResultSaved(job.id().toString(), result, job.type(), job.uniqueKey() != null ? job.uniqueKey() : job.id().toString(), true, now);
    }

    private void publishResultSaved(String resultId, com.fasterxml.jackson.databind.JsonNode result, String title, String reference,
                                    boolean returned, Instant now) {
        java.util.Map<String, Object> p = base(now);
        p.put("job_type", job.type());
        p.put("result_size", result == null ? 0 : result.toString().length());
        p.put("result_id", resultId);
        if (job.parentId() != null) p.put("parent_job_id", job.parentId().toString());
        if (title != null) p.put("title", title); // event payloads hold no nulls
        if (reference != null) p.put("item_reference", reference);
        p.put("returned", returned);
        publish(io.ordo.core.event.EventTypes.RESULT_SAVED, p, now);
    }

    private java.util.Map<String, Object> base(Instant now) {
        java.util.Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("job_id", job.id().toString());
        if (job.parentId() != null) p.put("parent_id", job.parentId().toString());
        p.put("root_id", job.rootId().toString());
        p.put("timestamp", now.toString());
        return p;
    }

    private void publish(String type, java.util.Map<String, Object> payload, Instant now) {
        pool.events().publish(new io.ordo.core.event.OrdoEvent(type, job.id(), job.rootId(), payload, now));
    }

    @Override
    public List<Job> spawn(List<JobRequest> children) {
        if (lost) throw lostException("spawn");
        return pool.spawn(this, children, false).stream().map(SubmitResult::job).toList();
    }

    @Override
    public List<Job> spawnUpTo(List<JobRequest> children) {
        if (lost) throw lostException("spawn");
        return pool.spawn(this, children, true).stream().map(SubmitResult::job).toList();
    }

    @Override
    public void saveResult(Object result) {
        saveResult(result, null, null, null);
    }

    @Override
    public void saveResult(Object result, Duration ttl) {
        saveResult(result, null, null, ttl);
    }

    @Override
    public void saveResult(Object data, String title, String reference, Duration ttl) {
        Instant now = now();
        com.fasterxml.jackson.databind.JsonNode tree = Json.resultTree(data);
        var id = pool.store().appendResult(job.lease(), tree, title, reference, ttl == null ? null : now.plus(ttl), now);
        fenced(id.isPresent(), "save a result");
        publishResultSaved(Long.toString(id.getAsLong()), tree, title, reference, false, now);
    }

    // ---- continuing after children --------------------------------------------------------------

    /** Asked for in this run; a flag left by an earlier attempt that did not ask again is cleared at completion. */
    private volatile boolean continueRequested;

    @Override
    public void continueAfterChildren() {
        if (lost) throw lostException("continue after children");
        var patch = Json.MAPPER.createObjectNode().put("continue_after_children", true);
        fenced(pool.store().mergeMeta(job.lease(), patch, now()), "continue after children");
        continueRequested = true;
    }

    /** Before a successful completion: clears the flag an earlier attempt of this run set without this one asking again. */
    void settleContinuation() {
        if (continueRequested || !job.meta().path("continue_after_children").asBoolean(false)) return;
        pool.store().mergeMeta(job.lease(), Json.MAPPER.createObjectNode().put("continue_after_children", false), now());
    }

    @Override
    public io.ordo.core.model.Page<io.ordo.core.model.ChildResult> childResults(String cursor, int limit) {
        if (limit < 1 || limit > 1000) throw new IllegalArgumentException("limit must be 1-1000 (got " + limit + ")");
        var page = pool.store().list(io.ordo.core.model.JobFilter.ALL.withParent(job.id()), cursor, limit);
        return new io.ordo.core.model.Page<>(page.items().stream().map(io.ordo.core.model.ChildResult::of).toList(), page.nextCursor());
    }

    @Override
    public boolean isCancelled() {
        return cancelRequested || lost || timedOut;
    }

    private Instant now() {
        return pool.now();
    }

    private void fenced(boolean accepted, String what) {
        if (!accepted) {
            lost = true;
            throw lostException(what);
        }
    }

    private LeaseLostException lostException(String what) {
        return new LeaseLostException("job " + job.id() + " attempt " + job.attempt()
                + ": lease lost (taken over or handed back), cannot " + what);
    }
}
