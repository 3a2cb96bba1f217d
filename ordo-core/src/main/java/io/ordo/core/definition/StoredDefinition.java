package io.ordo.core.definition;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * A job definition as kept in the store: its source text as the user wrote it (YAML or TOML), the
 * parsed form as JSON, and the fields the engine queries.
 *
 * @param version 1 on create, +1 on each update (set by the store)
 * @param spec    the definition as JSON (the fields of {@link JobDefinition})
 */
public record StoredDefinition(String id, String name, String format, String source, JsonNode spec, boolean enabled,
                               String schedule, int version, Instant createdAt, Instant updatedAt) {
}
