package io.ordo.core.batch;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.JobStatus;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A batch as stored: its counts are those of its jobs (callbacks left out).
 *
 * @param status    {@code running} until every job is terminal and the callbacks are enqueued, then
 *                  {@code completed} (no job failed or was cancelled), {@code failed}, or
 *                  {@code cancelled} (the batch itself was cancelled: no callback runs)
 * @param counts    the batch's jobs by status (every status, zeros included)
 * @param callbacks the callback jobs enqueued so far, by kind ({@code on_complete}, {@code on_success},
 *                  {@code on_failure})
 */
public record Batch(UUID id, String name, String status, long total, Map<JobStatus, Long> counts, long done,
                    Map<String, UUID> callbacks, JsonNode meta, Instant createdAt, Instant finishedAt) {

    /** Terminal jobs over all jobs, 0..1 (1 for an empty batch). */
    public double progress() {
        return total == 0 ? 1.0 : (double) done / total;
    }

    public boolean finished() {
        return !"running".equals(status);
    }
}
