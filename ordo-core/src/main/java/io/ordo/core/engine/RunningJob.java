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
    volatile ScheduledFuture<?> timeoutTimer;
    volatile ScheduledFuture<?> cancelTimer;

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
    }

    synchronized void interruptHandler() {
        if (handlerRunning && thread != null) thread.interrupt();
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
        fenced(pool.store().appendLog(job.lease(), level, message == null ? "" : message, now()), "log");
    }

    @Override
    public void progress(long current, long total, String text) {
        fenced(pool.store().progress(job.lease(), current, total, text, now()), "report progress");
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
        fenced(pool.store().saveResult(job.lease(), Json.resultTree(result), null, now()), "save a result");
    }

    @Override
    public void saveResult(Object result, Duration ttl) {
        Instant now = now();
        fenced(pool.store().saveResult(job.lease(), Json.resultTree(result), now.plus(ttl), now), "save a result");
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
