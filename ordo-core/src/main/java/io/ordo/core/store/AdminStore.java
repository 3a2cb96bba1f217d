package io.ordo.core.store;

import io.ordo.core.model.FailureGroup;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Page;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Reading jobs, logs and counts, and the operator's actions on jobs (cancel, purge, restart,
 * delete).
 */
public interface AdminStore {
    /** The type of a job definition's run (its root job); see {@link #definitionRuns}. */
    String RUN_TYPE = "ordo.run";

    Optional<Job> get(UUID id);

    /** Newest first, keyset-paged by id; {@code cursor} is a page's nextCursor or null. */
    Page<Job> list(JobFilter filter, String cursor, int limit);

    /**
     * The runs of a job definition (root jobs of type {@value #RUN_TYPE} with that definition id),
     * newest first, keyset-paged like {@link #list}.
     */
    Page<Job> definitionRuns(String definitionId, String cursor, int limit);

    /** The type of a batch job (see {@code io.ordo.core.batch.Batches}). */
    String BATCH_TYPE = "ordo.batch";

    /**
     * Batch jobs (type {@value #BATCH_TYPE}), newest first, keyset-paged like {@link #list}. SQL
     * stores read them through an index of batch jobs only; by default a listing filtered by type.
     */
    default Page<Job> batches(String cursor, int limit) {
        return list(JobFilter.ALL.withType(BATCH_TYPE), cursor, limit);
    }

    /**
     * The dead-letter view: the newest {@code scan} failed jobs grouped by type and last error,
     * biggest groups first (ties: the most recently failed first), at most {@code limit} groups.
     * Bounded by {@code scan} so that it stays cheap however many jobs failed.
     */
    List<FailureGroup> failureGroups(int scan, int limit);

    /** Log lines of a job with seq greater than {@code afterSeq}, oldest first. */
    List<JobLog> logs(UUID jobId, long afterSeq, int limit);

    /** The newest {@code limit} log lines of a job with seq less than {@code beforeSeq}, oldest first (a log's tail, or the page before one). */
    List<JobLog> logsBefore(UUID jobId, long beforeSeq, int limit);

    /** Number of jobs by queue and status, from maintained counters (not a scan of the jobs). */
    Map<String, Map<JobStatus, Long>> counts();

    /** Cancels a job and its descendants: pending ones at once, running ones by request. */
    CancelResult cancel(UUID id, Instant now);

    /**
     * Cancels up to {@code limit} of the jobs of {@code queue} that wait to run (pending or
     * scheduled), with {@code reason} as their error; returns how many. Running jobs are left alone.
     */
    int cancelQueued(String queue, String reason, Instant now, int limit);

    /** Requeues a failed or cancelled job (one more attempt if its attempts were used up). */
    Job restart(UUID id, Instant now);

    /** Deletes a terminal job, its logs and its (terminal) descendants. */
    void delete(UUID id);
}
