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
 * @param status {@link JobStatus#SCHEDULED} when {@code runAt} is in the future, else {@link JobStatus#PENDING}
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
        Instant createdAt) {

    public NewJob {
        tags = tags == null ? List.of() : List.copyOf(tags);
        if (status != JobStatus.PENDING && status != JobStatus.SCHEDULED) {
            throw new IllegalArgumentException("a new job is pending or scheduled, not " + status);
        }
    }

    /** The job row this insert creates. */
    public Job toJob() {
        return new Job(id, type, queue, priority, payload, status, 0, maxAttempts, runAt, null, null, timeout,
                parentId, rootId == null ? id : rootId, definitionId, step, depth, 0, 0, null, null, null,
                resultTtl, null, List.of(), uniqueKey, cacheKey, tags, backoffBase, backoffCap, false,
                createdAt, null, null, createdAt);
    }
}
