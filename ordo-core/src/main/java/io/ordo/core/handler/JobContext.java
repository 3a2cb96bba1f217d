package io.ordo.core.handler;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
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

    /** Saves a result now; it expires after the job's result TTL once the job completes. */
    void saveResult(Object result);

    /** Saves a result that expires {@code ttl} from now. */
    void saveResult(Object result, Duration ttl);

    /** True once a cancel of this job (or an ancestor) was requested, or its lease was lost. */
    boolean isCancelled();

    /** Throws {@link JobCancelledException} if {@link #isCancelled()}. */
    default void checkCancelled() {
        if (isCancelled()) throw new JobCancelledException(id());
    }
}
