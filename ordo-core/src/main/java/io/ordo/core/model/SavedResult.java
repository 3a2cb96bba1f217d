package io.ordo.core.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.UUID;

/**
 * One result a job saved with {@code JobContext.saveResult}: a job may save several, each with its
 * own id (increasing in saving order across the store, the paging key), an optional title and
 * reference (what it is about: a URL, an item key). {@code type}, {@code step} and {@code status} are
 * the saving job's, read with the result so that a listing needs no second read per row.
 * {@code expiresAt} null: it never expires.
 */
public record SavedResult(long id, UUID jobId, String type, String step, JobStatus status, String title, String reference,
                          JsonNode data, Instant createdAt, Instant expiresAt) {
}
