package io.ordo.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Lease;

import java.time.Instant;

/**
 * A successful attempt. {@code result} null keeps whatever the job saved with saveResult.
 * {@code parentId} is for the engine (to re-check the parent); stores ignore it.
 */
public record Completion(Lease lease, JsonNode result, Instant now, java.util.UUID parentId) {
    public Completion(Lease lease, JsonNode result, Instant now) {
        this(lease, result, now, null);
    }
}
