package io.ordo.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.LogLevel;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.Page;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Persistence of jobs, their logs and counters: the source of truth. Every implementation passes
 * the contract suite in {@code ordo-testkit}. Methods taking a {@link Lease} are fenced: they
 * change nothing and report failure when the job is not running under that lease. Time is passed
 * in by the caller so that the engine (and tests) control the clock.
 */
public interface JobStore extends AutoCloseable {

    /** "memory", "sqlite" or "postgresql". */
    String kind();

    // ---- submit -------------------------------------------------------------------------------

    /**
     * Inserts jobs atomically, in order. A job whose unique key is held by a live job, or whose
     * cache key matches a completed job with an unexpired result, resolves to that job instead.
     *
     * @throws io.ordo.core.QueueFullException when a queue would exceed its capacity; nothing is written
     */
    List<SubmitResult> insert(List<NewJob> jobs, InsertOptions options);

    /**
     * Inserts children of a running job. The parent's lease is checked in the same transaction.
     *
     * @throws io.ordo.core.LeaseLostException when the parent is no longer running under {@code parent}
     */
    List<SubmitResult> spawn(Lease parent, List<NewJob> children, InsertOptions options);

    // ---- worker hot path -----------------------------------------------------------------------

    /** Moves up to {@code limit} pending jobs to running under a fresh lease (attempt + 1) and returns them. */
    List<Job> claim(ClaimRequest request);

    /** Completes running jobs; returns the ids whose lease was still valid (the others changed nothing). */
    Set<UUID> complete(List<Completion> completions);

    /** Records a failed attempt and moves the job to its next state. False if the lease was lost. */
    boolean fail(Failure failure);

    /** Ends a running job whose cancel was requested. False if the lease was lost. */
    boolean finishCancelled(Lease lease, Instant now);

    /**
     * Gives a running job back (node shutting down): pending again, and the interrupted attempt
     * is not counted against max_attempts. False if the lease was lost.
     */
    boolean handBack(Lease lease, String reason, Instant now);

    /** Extends the leases this worker holds; reports which are lost and which should cancel. */
    HeartbeatResult heartbeat(Collection<Lease> leases, Instant leaseUntil, Instant now);

    boolean progress(Lease lease, long current, long total, String text, Instant now);

    /**
     * Stores a result during the run; it is kept when the job completes without one.
     * {@code expiresAt} null: the result expires per the job's result TTL after completion.
     */
    boolean saveResult(Lease lease, JsonNode result, Instant expiresAt, Instant now);

    /** Appends to a running job's log. False (nothing written) if the lease was lost. */
    boolean appendLog(Lease lease, LogLevel level, String message, Instant now);

    // ---- maintenance ---------------------------------------------------------------------------

    /** Moves scheduled jobs whose run_at has come to pending; returns how many. */
    int promoteDue(Instant now, int limit);

    /** The earliest run_at of a scheduled job, if any. */
    Optional<Instant> nextScheduledAt();

    /** Running jobs whose lease ended before {@code now}. */
    List<Job> expiredLeases(Instant now, int limit);

    /**
     * Takes a job back from a worker whose lease expired: to {@code next} (pending, scheduled,
     * failed; or cancelled when its cancel was requested), recording {@code error}. Only acts if
     * the lease is still the same and still expired at {@code now}.
     */
    boolean rescue(Lease lease, JobStatus next, Instant runAt, AttemptError error, Instant now);

    /** Deletes up to {@code limit} terminal jobs (with their logs) that finished before {@code before}. */
    int prune(Instant before, int limit);

    /** Clears results whose TTL has passed; returns how many. */
    int expireResults(Instant now, int limit);

    // ---- reads and admin -----------------------------------------------------------------------

    Optional<Job> get(UUID id);

    /** Newest first, keyset-paged by id; {@code cursor} is a page's nextCursor or null. */
    Page<Job> list(JobFilter filter, String cursor, int limit);

    /** Log lines of a job with seq greater than {@code afterSeq}, oldest first. */
    List<JobLog> logs(UUID jobId, long afterSeq, int limit);

    /** Number of jobs by queue and status, from maintained counters (not a scan of the jobs). */
    Map<String, Map<JobStatus, Long>> counts();

    /** Cancels a job and its descendants: pending ones at once, running ones by request. */
    CancelResult cancel(UUID id, Instant now);

    /** Requeues a failed or cancelled job (one more attempt if its attempts were used up). */
    Job restart(UUID id, Instant now);

    /** Deletes a terminal job, its logs and its (terminal) descendants. */
    void delete(UUID id);

    /**
     * Calls {@code listener} with a queue name when jobs may have become ready there through
     * another process (e.g. PostgreSQL NOTIFY). Stores without cross-process signals do nothing.
     */
    default void onJobsAvailable(Consumer<String> listener) {
    }

    /** Runs the store's own upkeep (VACUUM/ANALYZE or equivalent). */
    default void optimize() {
    }

    @Override
    void close();
}
