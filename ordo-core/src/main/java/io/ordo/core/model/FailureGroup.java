package io.ordo.core.model;

import java.time.Instant;
import java.util.UUID;

/**
 * Failed jobs of one type that ended with the same error: one row of the dead-letter view.
 *
 * @param error        the jobs' last error, exactly as stored (null when none was recorded)
 * @param count        how many of the scanned failed jobs are in the group
 * @param newestJobId  the most recently created job of the group
 */
public record FailureGroup(String type, String error, long count, Instant firstFailedAt, Instant lastFailedAt, UUID newestJobId) {
}
