package io.ordo.core.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A job ready to be inserted: every default resolved, id assigned. Built by the engine from a
 * {@link JobRequest}; stores insert it as it is.
 *
 * @param status {@link JobStatus#SCHEDULED} when {@code runAt} is in the future, else
 *               {@link JobStatus#PENDING}; the engine also records jobs that start
 *               {@link JobStatus#WAITING} (a definition run: its children are its work),
 *               {@link JobStatus#SKIPPED} (a step whose dependency failed) or
 *               {@link JobStatus#COMPLETED} (a step answered from the cache, with its result)
 */
public record NewJob(
        UUID id,
        String type,
        String queue,
        int priority,
        JsonNode payload,
        JobStatus status,
        int maxAttempts,
        Instant runAt,
        Duration timeout,
        UUID parentId,
        UUID rootId,
        String definitionId,
        String step,
        int depth,
        Duration resultTtl,
        String uniqueKey,
        String cacheKey,
        List<String> tags,
        Duration backoffBase,
        Duration backoffCap,
        Instant createdAt,
        UUID scopeId,
        String dedupKey,
        ChildPolicy childPolicy,
        JsonNode result,
        String error,
        JsonNode meta,
        String webhookUrl,
        String requires) {

    private static final java.util.Set<JobStatus> INITIAL = java.util.EnumSet.of(
            JobStatus.PENDING, JobStatus.SCHEDULED, JobStatus.WAITING, JobStatus.SKIPPED, JobStatus.COMPLETED);

    public NewJob {
        tags = tags == null ? List.of() : List.copyOf(tags);
        if (!INITIAL.contains(status)) {
            throw new IllegalArgumentException("a new job starts pending, scheduled, waiting, skipped or completed, not " + status);
        }
        if (meta == null) meta = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        if (requires == null) requires = "";
    }

    /** Without requirements ({@code requires} is {@code ""}). */
    public NewJob(UUID id, String type, String queue, int priority, JsonNode payload, JobStatus status, int maxAttempts,
                  Instant runAt, Duration timeout, UUID parentId, UUID rootId, String definitionId, String step, int depth,
                  Duration resultTtl, String uniqueKey, String cacheKey, List<String> tags, Duration backoffBase,
                  Duration backoffCap, Instant createdAt, UUID scopeId, String dedupKey, ChildPolicy childPolicy,
                  JsonNode result, String error, JsonNode meta, String webhookUrl) {
        this(id, type, queue, priority, payload, status, maxAttempts, runAt, timeout, parentId, rootId, definitionId, step,
                depth, resultTtl, uniqueKey, cacheKey, tags, backoffBase, backoffCap, createdAt, scopeId, dedupKey, childPolicy,
                result, error, meta, webhookUrl, "");
    }

    /** This job with these requirements (canonical text, see {@link Capabilities#canonical()}). */
    public NewJob withRequires(String canonical) {
        return new NewJob(id, type, queue, priority, payload, status, maxAttempts, runAt, timeout, parentId, rootId, definitionId,
                step, depth, resultTtl, uniqueKey, cacheKey, tags, backoffBase, backoffCap, createdAt, scopeId, dedupKey,
                childPolicy, result, error, meta, webhookUrl, canonical);
    }

    /** A plain job: no scope, dedup key, child policy, result, error or meta. */
    public NewJob(UUID id, String type, String queue, int priority, JsonNode payload, JobStatus status, int maxAttempts,
                  Instant runAt, Duration timeout, UUID parentId, UUID rootId, String definitionId, String step, int depth,
                  Duration resultTtl, String uniqueKey, String cacheKey, List<String> tags, Duration backoffBase,
                  Duration backoffCap, Instant createdAt) {
        this(id, type, queue, priority, payload, status, maxAttempts, runAt, timeout, parentId, rootId, definitionId, step,
                depth, resultTtl, uniqueKey, cacheKey, tags, backoffBase, backoffCap, createdAt, null, null, null, null, null, null, null);
    }

    public NewJob withStatus(JobStatus s, JsonNode result, String error, JsonNode meta) {
        return new NewJob(id, type, queue, priority, payload, s, maxAttempts, runAt, timeout, parentId, rootId, definitionId,
                step, depth, resultTtl, uniqueKey, cacheKey, tags, backoffBase, backoffCap, createdAt, scopeId, dedupKey,
                childPolicy, result, error, meta, webhookUrl, requires);
    }

    /** The job row this insert creates. Started at creation when waiting; finished at creation when terminal. */
    public Job toJob() {
        boolean terminal = status.isTerminal();
        // a definition run starts waiting (its steps are its work); a job waiting on dependencies has not started
        Instant started = status == JobStatus.WAITING && !meta.has("depends_on") ? createdAt : null;
        Instant expires = status == JobStatus.COMPLETED && result != null && resultTtl != null ? createdAt.plus(resultTtl) : null;
        return new Job(id, type, queue, priority, payload, status, 0, maxAttempts, runAt, null, null, timeout,
                parentId, rootId == null ? id : rootId, definitionId, step, depth, 0, 0, null, result, expires,
                resultTtl, error, List.of(), uniqueKey, cacheKey, tags, backoffBase, backoffCap, false,
                createdAt, started, terminal ? createdAt : null, createdAt, scopeId, dedupKey, childPolicy, 0, meta, webhookUrl, requires);
    }
}
