package io.ordo.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Lease;

import java.time.Instant;

/** A successful attempt. {@code result} null keeps whatever the job saved with saveResult. */
public record Completion(Lease lease, JsonNode result, Instant now) {
}
