package io.ordo.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Lease;

import java.time.Instant;

/**
 * A successful attempt. {@code result} null keeps whatever the job saved with saveResult.
 * {@code job} is the job as claimed, for the engine (parent checks, metrics, events); stores ignore it.
 */
public record Completion(Lease lease, JsonNode result, Instant now, io.ordo.core.model.Job job) {
    public Completion(Lease lease, JsonNode result, Instant now) {
        this(lease, result, now, null);
    }
}
