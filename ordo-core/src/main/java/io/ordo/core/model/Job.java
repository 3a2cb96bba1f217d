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
 * @param scopeId     the scope (a definition step) this job belongs to: a scope job's own id, its
 *                    descendants inherit it; null outside definitions
 * @param dedupKey    unique among the jobs of one tree (root): a second spawn with the key
 *                    resolves to the first job, whatever its state
 * @param childPolicy how this job ends once its children are done, and its scope limits
 * @param spawned     descendants created so far in this job's scope (scope jobs only)
 * @param meta        flags set by the engine: {@code warning}, {@code cached_from}, ...
 * @param webhookUrl  where the job's summary is POSTed (signed) once it is terminal, or null
 * @param requires    the capabilities a node needs to claim it, as {@link Capabilities#canonical()} text ({@code ""}: none)
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
        Instant updatedAt,
        UUID scopeId,
        String dedupKey,
        ChildPolicy childPolicy,
        int spawned,
        JsonNode meta,
        String webhookUrl,
        String requires) {

    public Job {
        if (requires == null) requires = "";
        errors = errors == null ? List.of() : List.copyOf(errors);
        tags = tags == null ? List.of() : List.copyOf(tags);
        if (meta == null) meta = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }

    /** A job without requirements. */
    public Job(UUID id, String type, String queue, int priority, JsonNode payload, JobStatus status, int attempt, int maxAttempts,
               Instant runAt, String leaseOwner, Instant leaseUntil, Duration timeout, UUID parentId, UUID rootId,
               String definitionId, String step, int depth, long progressCurrent, long progressTotal, String progressText,
               JsonNode result, Instant resultExpiresAt, Duration resultTtl, String error, List<AttemptError> errors,
               String uniqueKey, String cacheKey, List<String> tags, Duration backoffBase, Duration backoffCap,
               boolean cancelRequested, Instant createdAt, Instant startedAt, Instant finishedAt, Instant updatedAt,
               UUID scopeId, String dedupKey, ChildPolicy childPolicy, int spawned, JsonNode meta, String webhookUrl) {
        this(id, type, queue, priority, payload, status, attempt, maxAttempts, runAt, leaseOwner, leaseUntil, timeout, parentId,
                rootId, definitionId, step, depth, progressCurrent, progressTotal, progressText, result, resultExpiresAt, resultTtl,
                error, errors, uniqueKey, cacheKey, tags, backoffBase, backoffCap, cancelRequested, createdAt, startedAt, finishedAt,
                updatedAt, scopeId, dedupKey, childPolicy, spawned, meta, webhookUrl, "");
    }

    /** The capabilities a node needs to claim this job (none for most jobs). */
    public Capabilities requirements() {
        return Capabilities.fromCanonical(requires);
    }

    /** The warning the engine recorded (e.g. a step completed over its failure tolerance), or null. */
    public String warning() {
        JsonNode w = meta.get("warning");
        return w == null || w.isNull() ? null : w.asText();
    }

    /** The lease a worker holds on this job while it runs. */
    public Lease lease() {
        return new Lease(id, leaseOwner, attempt);
    }

    public boolean isTerminal() {
        return status.isTerminal();
    }
}
