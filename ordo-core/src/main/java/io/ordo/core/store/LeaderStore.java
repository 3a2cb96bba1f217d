package io.ordo.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One lease row that elects the node running the cluster-wide duties (promotion, rescue, pruning,
 * the scheduler, vacuum, reconciliation). Every statement is one atomic write, so two nodes racing
 * for the lease cannot both get it.
 */
public interface LeaderStore {

    /**
     * Takes or renews the leader lease for {@code node} until {@code now + lease}: granted when
     * nobody holds it, {@code node} holds it, or the holder's lease ended before {@code now}.
     * Returns the lease when granted, empty when another node holds it.
     */
    Optional<LeaderLease> lead(String node, Instant now, Duration lease);

    /** Ends {@code node}'s lease at {@code now}, if it holds it, so another node can take over without waiting. */
    void resign(String node, Instant now);

    /** The lease as stored (possibly expired), empty when no node ever led. */
    Optional<LeaderLease> leader();
}
