package io.ordo.core.model;

import java.time.Instant;
import java.util.UUID;

/** One line of a job's log. {@code seq} increases per store and is the cursor for "logs after". */
public record JobLog(long seq, UUID jobId, int attempt, Instant at, LogLevel level, String message) {
}
