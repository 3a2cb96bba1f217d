package io.ordo.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.LogLevel;
import io.ordo.core.model.NewJob;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What workers need to run jobs: submitting them, claiming them, and ending, logging and renewing
 * the attempts they hold. Methods taking a {@link Lease} are fenced: they change nothing and report
 * failure when the job is not running under that lease.
 */
public interface RunStore {

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

    /** Moves up to {@code limit} pending jobs to running under a fresh lease (attempt + 1) and returns them. */
    List<Job> claim(ClaimRequest request);

    /**
     * Moves those of {@code ids} that are pending in the request's queue, with a type in its types, to
     * running under a fresh lease, and returns them (at most the request's limit). The ids come from
     * a queue transport's messages: one for a job that is no longer pending (claimed through a
     * duplicate message, cancelled, deleted) is simply not returned.
     */
    List<Job> claimIds(ClaimRequest request, Collection<UUID> ids);

    /**
     * {@link #claim} under the cluster-wide limits stored for the request's queue and types
     * ({@link io.ordo.core.limits.Limit}), atomically: in one transaction the applying limit rows are
     * locked (in scope, name order), running jobs counted, at most what max_running and the rate
     * window allow is claimed, and the claims are counted into the window. Nodes call it instead of
     * {@link #claim} when their cached view says a limit applies; with no limit row it claims as
     * {@link #claim} does.
     */
    LimitedClaim claimLimited(ClaimRequest request);

    /**
     * {@link #claimIds} under the stored limits, as {@link #claimLimited}. The ids still pending that a
     * limit kept back are reported in {@link LimitedClaim#deferred()}.
     */
    LimitedClaim claimIdsLimited(ClaimRequest request, Collection<UUID> ids);

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
     * Sets the job's main result during the run (no saved-result row: the engine saves through
     * {@link ResultStore#appendResult}, which also does this); it is kept when the job completes
     * without one. {@code expiresAt} null: the result expires per the job's result TTL after completion.
     */
    boolean saveResult(Lease lease, JsonNode result, Instant expiresAt, Instant now);

    /** Appends to a running job's log. False (nothing written) if the lease was lost. */
    boolean appendLog(Lease lease, LogLevel level, String message, Instant now);

    /** Merges {@code patch} (a JSON object) into the job's meta. False if the lease was lost. */
    boolean mergeMeta(Lease lease, JsonNode patch, Instant now);

    /**
     * Calls {@code listener} with a queue name when jobs may have become ready there through
     * another process (e.g. PostgreSQL NOTIFY). Stores without cross-process signals do nothing.
     */
    default void onJobsAvailable(Consumer<String> listener) {
    }
}
