package io.ordo.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Lease;

import java.time.Instant;

/**
 * A successful attempt. {@code result} null keeps whatever the job saved with saveResult.
 * {@code parentId} and {@code scopeId} are for the engine (to re-check parent and scope); stores ignore them.
 */
public record Completion(Lease lease, JsonNode result, Instant now, java.util.UUID parentId, java.util.UUID scopeId) {
    public Completion(Lease lease, JsonNode result, Instant now) {
        this(lease, result, now, null, null);
    }
}
