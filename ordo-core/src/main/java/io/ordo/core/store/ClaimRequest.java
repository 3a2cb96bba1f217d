package io.ordo.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Claim up to {@code limit} pending jobs of {@code queue} whose type is in {@code types}, in order
 * of priority, run_at, id, for worker {@code owner}, leased until {@code now + lease}.
 */
public record ClaimRequest(String queue, Set<String> types, int limit, String owner, Duration lease, Instant now) {
    public ClaimRequest {
        types = Set.copyOf(types);
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
        if (types.isEmpty()) throw new IllegalArgumentException("a claim names at least one type");
    }
}
