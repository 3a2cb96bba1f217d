package io.ordo.core.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Claim up to {@code limit} pending jobs of {@code queue} whose type is in {@code types}, in order
 * of priority, run_at, id, for worker {@code owner}, leased until {@code now + lease}.
 *
 * @param requirementKeys the job requirements this node meets: a job is claimed only when its
 *                        stored {@code requires} text is one of them. A node's keys are the canonical
 *                        texts of every subset of its capabilities
 *                        ({@link io.ordo.core.model.Capabilities#subsetKeys()}); {@code {""}} (the
 *                        default) claims only jobs without requirements.
 */
public record ClaimRequest(String queue, Set<String> types, int limit, String owner, Duration lease, Instant now,
                           Set<String> requirementKeys) {
    /** A node without capabilities: claims jobs that require nothing. */
    public static final Set<String> NO_CAPABILITIES = Set.of("");

    public ClaimRequest {
        types = Set.copyOf(types);
        requirementKeys = requirementKeys == null ? NO_CAPABILITIES : Set.copyOf(requirementKeys);
        if (limit < 1) throw new IllegalArgumentException("limit must be >= 1");
        if (types.isEmpty()) throw new IllegalArgumentException("a claim names at least one type");
        if (requirementKeys.isEmpty()) throw new IllegalArgumentException("a claim names at least one requirement key (\"\" for none)");
    }

    /** A claim by a node without capabilities. */
    public ClaimRequest(String queue, Set<String> types, int limit, String owner, Duration lease, Instant now) {
        this(queue, types, limit, owner, lease, now, NO_CAPABILITIES);
    }

    /** True when a job whose requirements are {@code requires} (canonical text) may be claimed by this request. */
    public boolean meets(String requires) {
        return requirementKeys.contains(requires == null ? "" : requires);
    }
}
