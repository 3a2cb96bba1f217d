package io.ordo.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.definition.StoredDefinition;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.FailureGroup;
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
    /** The type of a job definition's run (its root job); see {@link #definitionRuns}. */
    String RUN_TYPE = "ordo.run";

    /** "memory", "sqlite" or "postgresql". */
    String kind();

    // ---- submit -------------------------------------------------------------------------------

    /**
     * Inserts jobs atomically, in order. A job whose unique key is held by a live job, whose dedup
     * key is already used in its tree, or — for top-level jobs only — whose cache key matches a
     * completed job with an unexpired result, resolves to that job instead.
     *
     * @throws io.ordo.core.QueueFullException when a queue would exceed its capacity; nothing is written
     */
    List<SubmitResult> insert(List<NewJob> jobs, InsertOptions options);

    /**
     * Inserts children of a running job. The parent's lease is checked in the same transaction.
     * Children with a dedup key already used in their tree resolve to that job. Children of a
     * scope (non-null {@code scopeId}) are held to the scope job's {@link io.ordo.core.model.ChildPolicy}
     * limits, checked and counted atomically: {@code maxDepth} (child depth - scope depth) and
     * {@code maxChildren} (descendants created in the scope, counted in the scope job's
     * {@code spawned}). With {@code truncate} the children over a limit are left out (the result
     * lists the accepted ones, in order); without it the whole spawn is refused.
     *
     * @throws io.ordo.core.LeaseLostException  when the parent is no longer running under {@code parent}
     * @throws io.ordo.core.SpawnLimitException when a limit is exceeded and {@code truncate} is false
     */
    List<SubmitResult> spawn(Lease parent, List<NewJob> children, InsertOptions options, boolean truncate);

    // ---- worker hot path -----------------------------------------------------------------------

    /** Moves up to {@code limit} pending jobs to running under a fresh lease (attempt + 1) and returns them. */
    List<Job> claim(ClaimRequest request);

    /**
     * Moves those of {@code ids} that are pending in the request's queue, with a type in its types, to
     * running under a fresh lease, and returns them (at most the request's limit). The ids come from
     * a queue transport's messages: one for a job that is no longer pending (claimed through a
     * duplicate message, cancelled, deleted) is simply not returned.
     */
    List<Job> claimIds(ClaimRequest request, java.util.Collection<UUID> ids);

    /**
     * Ends the attempts of running jobs that succeeded. A job that has children (in any state) goes
     * to {@link JobStatus#WAITING} — the monitor finishes it by its child policy once they are all
     * done, which may be at once — the others to {@link JobStatus#COMPLETED}. Returns the new status of each job whose lease was still valid
     * (the others changed nothing).
     */
    Map<UUID, JobStatus> complete(List<Completion> completions);

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

    /** Merges {@code patch} (a JSON object) into the job's meta. False if the lease was lost. */
    boolean mergeMeta(Lease lease, JsonNode patch, Instant now);

    // ---- parents and children ------------------------------------------------------------------

    /** Direct children of a job by status (maintained counters). */
    Map<JobStatus, Long> childCounts(UUID parentId);

    /** Jobs in a scope, the scope job excluded, by status (maintained counters). */
    Map<JobStatus, Long> scopeCounts(UUID scopeId);

    /** Every descendant of a root job by status (one indexed query over the tree). */
    Map<JobStatus, Long> treeCounts(UUID rootId);

    /**
     * Ends a waiting job: to {@code to} (completed, failed or cancelled), with {@code error} (may
     * be null) and {@code metaPatch} merged into its meta (may be null). Only acts on a waiting job;
     * false otherwise (another node finished it first).
     */
    boolean finishWaiting(UUID id, JobStatus to, String error, JsonNode metaPatch, Instant now);

    /** Sets the progress of a job that is not terminal (a parent's, kept by the monitor). */
    boolean setProgress(UUID id, long current, long total, String text, Instant now);

    /** The newest completed job with this cache key whose result is still valid at {@code now}. */
    Optional<Job> findCached(String cacheKey, Instant now);

    // ---- job definitions -------------------------------------------------------------------------

    /** Creates or replaces a definition (by id); the store sets version, createdAt and updatedAt. */
    StoredDefinition saveDefinition(StoredDefinition definition, Instant now);

    Optional<StoredDefinition> getDefinition(String id);

    /** All definitions, by id. */
    List<StoredDefinition> listDefinitions();

    /** False when there was no such definition. Runs already started are kept. */
    boolean deleteDefinition(String id);

    /**
     * Inserts {@code jobs} (a scheduled run) only if the tick {@code tickAt} of definition
     * {@code definitionId} was not recorded yet, recording it in the same transaction: with several
     * nodes on one database each tick starts at most one run. Returns an empty list when the tick
     * was taken already.
     */
    List<SubmitResult> insertForTick(String definitionId, Instant tickAt, List<NewJob> jobs, InsertOptions options);

    /** The newest tick recorded for a definition, if any. */
    Optional<Instant> lastTick(String definitionId);

    // ---- event log -----------------------------------------------------------------------------

    /** Appends events to the log (ids assigned by the store, increasing). */
    void appendEvents(List<io.ordo.core.event.OrdoEvent> events);

    /** Events with id greater than {@code afterId}, oldest first. */
    List<io.ordo.core.event.StoredEvent> eventsAfter(long afterId, int limit);

    /** The id of the newest event in the log (0 when empty). */
    long lastEventId();

    /** The id of the oldest event still kept (0 when empty); older ones were pruned. */
    long firstEventId();

    /** Deletes up to {@code limit} events older than {@code before}. */
    int pruneEvents(Instant before, int limit);

    /**
     * Calls {@code listener} when events may have been appended: after this process's writes commit
     * (they may have written events with them) and, on PostgreSQL, when another process says so (NOTIFY).
     */
    default void onEventsAppended(Runnable listener) {
    }

    // ---- queues, nodes, webhooks, settings ------------------------------------------------------------

    /** Pauses (workers stop claiming from it; submits still go in) or resumes a queue. */
    void setQueuePaused(String queue, boolean paused, Instant now);

    /** The queues that have a flag, and whether each is paused. */
    Map<String, Boolean> queueFlags();

    /** Replaces these nodes' rows for their minutes (each node writes its own running totals). */
    void saveQueueMinutes(List<io.ordo.core.ops.QueueMinute> minutes);

    /** Every node's rows for minutes at or after {@code since}. */
    List<io.ordo.core.ops.QueueMinute> queueMinutes(Instant since);

    int pruneQueueMinutes(Instant before);

    /** Creates or replaces a node's row. */
    void saveNode(io.ordo.core.ops.NodeInfo node);

    /** Every node known, by id. */
    List<io.ordo.core.ops.NodeInfo> nodes();

    /** Forgets nodes last seen before {@code before}. */
    int pruneNodes(Instant before);

    /** Terminal jobs with a webhook URL whose delivery was not queued yet, oldest finished first. */
    List<Job> webhooksDue(int limit);

    /**
     * Queues the webhook delivery of a terminal job: in one transaction, marks the job's webhook as
     * queued and inserts {@code delivery}. False (nothing written) when it was queued already.
     */
    boolean queueWebhook(UUID jobId, NewJob delivery);

    /** A store-wide setting; the first call for a key stores {@code initial.get()} (atomically across nodes). */
    String setting(String key, java.util.function.Supplier<String> initial);

    /** Throws if the store cannot be reached. */
    default void ping() {
        counts();
    }

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

    /**
     * The runs of a job definition (root jobs of type {@value #RUN_TYPE} with that definition id),
     * newest first, keyset-paged like {@link #list}.
     */
    Page<Job> definitionRuns(String definitionId, String cursor, int limit);

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

    /**
     * Calls {@code listener} with a queue name when jobs may have become ready there through
     * another process (e.g. PostgreSQL NOTIFY). Stores without cross-process signals do nothing.
     */
    default void onJobsAvailable(Consumer<String> listener) {
    }

    /** Runs the store's own upkeep (VACUUM/ANALYZE or equivalent). */
    default void optimize() {
    }

    /** The health of the store's tables, for stores whose database needs them vacuumed (PostgreSQL); empty otherwise. */
    default Optional<StoreHealth> health() {
        return Optional.empty();
    }

    @Override
    void close();
}
