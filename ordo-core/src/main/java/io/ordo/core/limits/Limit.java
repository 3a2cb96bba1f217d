package io.ordo.core.limits;

import io.ordo.core.InvalidRequestException;

import java.time.Instant;

/**
 * The cluster-wide limits stored for one queue or one job type, shared by every node:
 * {@code capacity} (jobs waiting — pending and scheduled — checked at submit), {@code maxRunning}
 * (jobs running across the cluster, checked in the claim) and {@code rate} (claims per fixed
 * window). A null field is not limited. {@code windowStart} and {@code windowUsed} are the claims
 * counted in the rate's current window (kept by the store; ignored when saving).
 */
public record Limit(LimitScope scope, String name, Integer capacity, Integer maxRunning, Rate rate, Instant windowStart,
                    long windowUsed, Instant updatedAt) {
    public Limit {
        if (scope == null) throw new IllegalArgumentException("scope");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("name");
        if (capacity != null && capacity < 1) {
            throw new InvalidRequestException("capacity must be at least 1 (got " + capacity + "); to remove it, clear it");
        }
        if (maxRunning != null && maxRunning < 1) {
            throw new InvalidRequestException("max_running must be at least 1 (got " + maxRunning + "); to remove it, clear it");
        }
    }

    /** The settings alone (no window state yet). */
    public static Limit of(LimitScope scope, String name, Integer capacity, Integer maxRunning, Rate rate) {
        return new Limit(scope, name, capacity, maxRunning, rate, null, 0, null);
    }

    /** True when nothing is limited: the store keeps no row for it. */
    public boolean isEmpty() {
        return capacity == null && maxRunning == null && rate == null;
    }

    /** Whether this limit bears on claims (a capacity alone is only checked at submit). */
    public boolean limitsClaims() {
        return maxRunning != null || rate != null;
    }

    /**
     * The window a claim at {@code now} counts in: the one {@code now} falls in, or the stored one
     * when that is later. A claim whose time was taken before a newer window was opened (it waited
     * for the row lock, or its node's clock is behind) counts in the newer window; going back to an
     * older one would start its count again from zero and let a window's worth through twice.
     */
    public Instant windowAt(Instant now) {
        Instant w = rate.windowStart(now);
        return windowStart != null && windowStart.isAfter(w) ? windowStart : w;
    }

    /** Claims counted in the window a claim at {@code now} counts in. */
    public long usedAt(Instant now) {
        if (rate == null || windowStart == null) return 0;
        return windowAt(now).equals(windowStart) ? windowUsed : 0;
    }

    /** Claims the rate still allows in that window; {@link Long#MAX_VALUE} without a rate. */
    public long rateRemaining(Instant now) {
        return rate == null ? Long.MAX_VALUE : Math.max(0, rate.n() - usedAt(now));
    }

    /** When that window ends. */
    public Instant windowEnd(Instant now) {
        return windowAt(now).plus(rate.window());
    }

    /** This limit with {@code claimed} more claims counted in that window. */
    public Limit counted(Instant now, long claimed) {
        if (rate == null || claimed == 0) return this;
        return new Limit(scope, name, capacity, maxRunning, rate, windowAt(now), usedAt(now) + claimed, updatedAt);
    }

    /** The same settings with a new window state (as a store reads it back). */
    public Limit withWindow(Instant start, long used) {
        return new Limit(scope, name, capacity, maxRunning, rate, start, used, updatedAt);
    }
}
