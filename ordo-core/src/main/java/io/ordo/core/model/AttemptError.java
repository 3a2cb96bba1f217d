package io.ordo.core.model;

import java.time.Instant;

/**
 * One failed attempt in a job's history.
 *
 * @param reason one of {@code error}, {@code timeout}, {@code lease_expired}, {@code shutdown},
 *               {@code cancelled}
 */
public record AttemptError(int attempt, String owner, Instant at, String reason, String message) {
    public static final String ERROR = "error";
    public static final String TIMEOUT = "timeout";
    public static final String LEASE_EXPIRED = "lease_expired";
    public static final String SHUTDOWN = "shutdown";
    public static final String CANCELLED = "cancelled";
}
