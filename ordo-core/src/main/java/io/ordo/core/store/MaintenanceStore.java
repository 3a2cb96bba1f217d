package io.ordo.core.store;

import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The periodic duties: promoting due jobs, rescuing expired leases, pruning, expiring results,
 * the store's own upkeep.
 */
public interface MaintenanceStore {

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

    /** Runs the store's own upkeep (VACUUM/ANALYZE or equivalent). */
    default void optimize() {
    }

    /** The health of the store's tables, for stores whose database needs them vacuumed (PostgreSQL); empty otherwise. */
    default Optional<StoreHealth> health() {
        return Optional.empty();
    }
}
