package io.ordo.core.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A job as stored (DESIGN.md §3). Immutable snapshot; read it again from the store for fresh state.
 *
 * @param attempt     the number of the current (or last) attempt; with {@code leaseOwner} it is the
 *                    fencing token of a running job. It only ever grows.
 * @param error       the last attempt's error, if any; all of them are in {@code errors}
 * @param backoffBase per-job retry backoff base, or null for the type's / engine's default
 */
public record Job(
        UUID id,
        String type,
        String queue,
        int priority,
        JsonNode payload,
        JobStatus status,
        int attempt,
        int maxAttempts,
        Instant runAt,
        String leaseOwner,
        Instant leaseUntil,
        Duration timeout,
        UUID parentId,
        UUID rootId,
        String definitionId,
        String step,
        int depth,
        long progressCurrent,
        long progressTotal,
        String progressText,
        JsonNode result,
        Instant resultExpiresAt,
        Duration resultTtl,
        String error,
        List<AttemptError> errors,
        String uniqueKey,
        String cacheKey,
        List<String> tags,
        Duration backoffBase,
        Duration backoffCap,
        boolean cancelRequested,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Instant updatedAt) {

    public Job {
        errors = errors == null ? List.of() : List.copyOf(errors);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The lease a worker holds on this job while it runs. */
    public Lease lease() {
        return new Lease(id, leaseOwner, attempt);
    }

    public boolean isTerminal() {
        return status.isTerminal();
    }
}
