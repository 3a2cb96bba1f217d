package io.ordo.core.limits;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.util.Durations;

import java.time.Duration;
import java.time.Instant;

/**
 * At most {@code n} claims per {@code window}, counted in fixed windows aligned to the epoch (a
 * 1-minute window runs from :00 to :00 of each minute on every node). Fixed windows keep a long
 * run within a few percent of the rate; a token bucket that starts full would let its whole burst
 * through at once.
 */
public record Rate(int n, Duration window) {
    public Rate {
        if (n < 1) throw new InvalidRequestException("rate " + n + "/" + Durations.format(window) + ": N must be at least 1");
        if (window == null || window.toMillis() < 1) {
            throw new InvalidRequestException("rate " + n + "/" + (window == null ? "?" : Durations.format(window))
                    + ": the window must be at least 1ms");
        }
    }

    /** Parses {@code N/DURATION}, e.g. {@code 100/1m}, {@code 5/10s}, {@code 1000/1h}. */
    public static Rate parse(String s) {
        if (s == null) throw new InvalidRequestException("rate is missing: use N/DURATION, e.g. 100/1m");
        String t = s.trim();
        int slash = t.indexOf('/');
        if (slash < 1 || slash == t.length() - 1) throw bad(s, "use N/DURATION, e.g. 100/1m");
        int n;
        try {
            n = Integer.parseInt(t.substring(0, slash).trim());
        } catch (NumberFormatException e) {
            throw bad(s, "N must be a whole number, e.g. 100/1m");
        }
        if (n < 1) throw bad(s, "N must be at least 1");
        Duration window;
        try {
            window = Durations.parse("rate", t.substring(slash + 1).trim());
        } catch (RuntimeException e) {
            throw bad(s, "the window must be a duration such as 10s, 1m or 1h");
        }
        if (window == null || window.toMillis() < 1) throw bad(s, "the window must be longer than zero");
        return new Rate(n, window);
    }

    private static InvalidRequestException bad(String s, String why) {
        return new InvalidRequestException("rate '" + s + "' is invalid: " + why);
    }

    public long windowMillis() {
        return window.toMillis();
    }

    /** The start of the window that {@code now} falls in. */
    public Instant windowStart(Instant now) {
        long w = windowMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), w) * w);
    }

    @Override
    public String toString() {
        return n + "/" + Durations.format(window);
    }
}
