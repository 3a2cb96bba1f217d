package io.ordo.core.engine.isolation;

import io.ordo.core.handler.JobContext;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.LogLevel;
import io.ordo.core.util.Json;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The job context a handler sees in the child JVM: every write becomes a line to the node, which
 * applies it to the real context (where the lease fences it). Writes do not wait for the node: a
 * lost lease shows as {@link #isCancelled()} once the node says cancel, and the node stops the child.
 */
final class ChildContext implements JobContext {
    private final Job job;
    private final PrintStream toNode;
    private volatile boolean cancelled;

    ChildContext(Job job, PrintStream toNode) {
        this.job = job;
        this.toNode = toNode;
    }

    /** The node said stop (cancel requested, timed out, lease lost or node shutting down). */
    void cancel() {
        cancelled = true;
    }

    void send(String line) {
        synchronized (toNode) {
            toNode.println(line);
            toNode.flush();
        }
    }

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
        send(Wire.log(level, message == null ? "" : message));
    }

    @Override
    public void progress(long current, long total, String text) {
        send(Wire.progress(current, total, text));
    }

    @Override
    public List<Job> spawn(List<JobRequest> children) {
        throw unsupported("spawn");
    }

    @Override
    public List<Job> spawnUpTo(List<JobRequest> children) {
        throw unsupported("spawnUpTo");
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
        send(Wire.saveResult(Json.resultTree(data), title, reference, ttl));
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    private UnsupportedOperationException unsupported(String what) {
        return new UnsupportedOperationException(what + "() is not available to a process-isolated job (type '" + job.type()
                + "'): spawn children from an in-process handler, or return what the children should do as the result");
    }
}
