package io.ordo.actions;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * How long to wait before retrying a call that got 429 or 5xx: the {@code Retry-After} header when
 * it is valid (delay-seconds, or an HTTP-date), else exponential backoff; both capped.
 */
final class RetryAfter {
    /** First backoff without a header; doubles per retry. */
    static final Duration BASE = Duration.ofSeconds(1);
    /** Longest backoff without a header. */
    static final Duration BACKOFF_CAP = Duration.ofSeconds(30);
    /** Longest wait a server's Retry-After can ask for (a server asking for an hour is not waited for an hour). */
    static final Duration CAP = Duration.ofSeconds(60);

    private RetryAfter() {
    }

    /**
     * The wait before retry number {@code retry} (1 for the first).
     *
     * @param header the Retry-After value, or null
     */
    static Duration delay(String header, int retry, Clock clock) {
        Duration asked = parse(header, clock);
        if (asked != null) return asked.compareTo(CAP) > 0 ? CAP : asked;
        return backoff(retry);
    }

    static Duration backoff(int retry) {
        int shift = Math.min(Math.max(retry - 1, 0), 20);
        Duration d = BASE.multipliedBy(1L << shift);
        return d.compareTo(BACKOFF_CAP) > 0 ? BACKOFF_CAP : d;
    }

    /** The header's delay (never negative), or null when absent or not valid. */
    static Duration parse(String header, Clock clock) {
        if (header == null || header.isBlank()) return null;
        String h = header.trim();
        if (h.matches("\\d{1,9}")) return Duration.ofSeconds(Long.parseLong(h));
        try {
            ZonedDateTime at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(clock.instant(), at.toInstant());
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
