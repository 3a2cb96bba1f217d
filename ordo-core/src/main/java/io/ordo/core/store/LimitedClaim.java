package io.ordo.core.store;

import io.ordo.core.model.Job;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What a claim under stored limits got.
 *
 * @param jobs     the jobs moved to running, in claim order
 * @param deferred of the ids a transport delivered, those still pending that a limit kept back:
 *                 their messages must be given back for redelivery, not acknowledged
 * @param held     a limit kept the claim below what was asked (the claimer should not ask again at once)
 * @param retryAt  when a used-up rate window ends, if one held the claim back; otherwise null
 *                 (a max_running frees up when a job ends)
 */
public record LimitedClaim(List<Job> jobs, Set<UUID> deferred, boolean held, Instant retryAt) {
    public LimitedClaim {
        jobs = List.copyOf(jobs);
        deferred = Set.copyOf(deferred);
    }

    /** A claim no limit applied to. */
    public static LimitedClaim unlimited(List<Job> jobs) {
        return new LimitedClaim(jobs, Set.of(), false, null);
    }
}
