package io.ordo.core.handler;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.ChildResult;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.Page;
import io.ordo.core.model.LogLevel;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * What a running handler can see and do. Every write is fenced by the job's lease: once the lease
 * is lost (taken over after expiry, or handed back) the write is rejected with
 * {@link io.ordo.core.LeaseLostException} and the handler should stop.
 */
public interface JobContext {
    /** The job as claimed (status running, this attempt). */
    Job job();

    default UUID id() {
        return job().id();
    }

    default int attempt() {
        return job().attempt();
    }

    default JsonNode payload() {
        return job().payload();
    }

    /** The payload bound to {@code type} with Jackson. */
    <T> T payload(Class<T> type);

    /** Appends a line to the job's log (stored, shown by {@code ordo jobs logs}). */
    void log(LogLevel level, String message);

    default void info(String message) {
        log(LogLevel.INFO, message);
    }

    default void warn(String message) {
        log(LogLevel.WARN, message);
    }

    default void error(String message) {
        log(LogLevel.ERROR, message);
    }

    void progress(long current, long total, String text);

    /**
     * Creates child jobs of this job (parent, root and depth recorded) in one transaction. A child
     * with a dedup key already used in this tree resolves to the existing job. Emits job_spawn.
     *
     * @throws io.ordo.core.SpawnLimitException when the batch would exceed the maximum depth or this
     *                                          job's scope limits (max children, max depth); nothing is created
     */
    List<Job> spawn(List<JobRequest> children);

    /** Like {@link #spawn(List)} but leaves out the children over a scope limit instead of refusing all. */
    List<Job> spawnUpTo(List<JobRequest> children);

    default Job spawn(JobRequest child) {
        return spawn(List.of(child)).get(0);
    }

    /**
     * Saves a result now: it is appended to the job's saved results (with its own id; listed by
     * {@code Jobs.results}, counted in its tree's {@code result_count}, announced by a
     * {@code result_saved} event) and becomes the job's main result, until a later save or a non-null
     * return value replaces it. It expires the job's result TTL from now (never if it has none).
     */
    void saveResult(Object result);

    /** {@link #saveResult(Object)} that expires {@code ttl} from now. */
    void saveResult(Object result, Duration ttl);

    /** {@link #saveResult(Object)} with a title and a reference (what it is about: a URL, an item key); either may be null. */
    default void saveResult(Object data, String title, String reference) {
        saveResult(data, title, reference, null);
    }

    /** {@link #saveResult(Object, String, String)} that expires {@code ttl} from now ({@code ttl} null: the job's result TTL). */
    default void saveResult(Object data, String title, String reference, Duration ttl) {
        throw new UnsupportedOperationException("saving titled results is not supported by this context");
    }

    // ---- continuing after children ------------------------------------------------------------

    /**
     * 0 on the handler's first run; n on the n-th run after its children ended (see
     * {@link #continueAfterChildren()}). Retries of a run keep its number.
     */
    default int continuation() {
        return job().meta().path("continuation").asInt(0);
    }

    /**
     * Asks to run this handler again once every child of this job has ended: when the handler
     * returns, the job waits (status waiting, holding no worker slot); when its children are all
     * terminal it goes back to pending and the handler runs with {@link #continuation()} one higher
     * and can read {@link #childResults()}. Failed children do not fail a continuing parent: its
     * handler sees them and decides. Without children when it returns, the job simply completes.
     */
    default void continueAfterChildren() {
        throw new UnsupportedOperationException("continuing after children is not available to this handler (isolated in a child process)");
    }

    /** One page of this job's children with their status, main result and error, newest first. */
    default Page<ChildResult> childResults(String cursor, int limit) {
        throw new UnsupportedOperationException("child results are not available to this handler (isolated in a child process)");
    }

    /** Every child of this job with its status, main result and error, newest first (read in pages of 500; page with {@link #childResults(String, int)} for very many). */
    default List<ChildResult> childResults() {
        List<ChildResult> all = new java.util.ArrayList<>();
        String cursor = null;
        do {
            Page<ChildResult> page = childResults(cursor, 500);
            all.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /** True once a cancel of this job (or an ancestor) was requested, or its lease was lost. */
    boolean isCancelled();

    /** Throws {@link JobCancelledException} if {@link #isCancelled()}. */
    default void checkCancelled() {
        if (isCancelled()) throw new JobCancelledException(id());
    }
}
