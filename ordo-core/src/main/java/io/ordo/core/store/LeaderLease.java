package io.ordo.core.store;

import java.time.Instant;

/**
 * The cluster's leader lease as the store holds it: the node that runs the cluster-wide duties,
 * its term (raised each time another node takes the lease), since when it leads and until when
 * the lease runs unless renewed.
 */
public record LeaderLease(String node, long term, Instant since, Instant until) {
    /** Whether the lease still runs at {@code now}. */
    public boolean heldAt(Instant now) {
        return until.isAfter(now);
    }
}
