package io.ordo.core.engine;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits {@code base * 2^(n-1)}, capped, then scaled by
 * a random factor in [1 - jitter, 1] so that jobs that failed together do not retry together.
 */
public final class Backoff {
    public static final double JITTER = 0.25;

    private Backoff() {
    }

    public static Duration delay(int attempt, Duration base, Duration cap) {
        if (base.isZero() || base.isNegative()) return Duration.ZERO;
        int shift = Math.max(0, Math.min(attempt - 1, 40));
        double raw = base.toMillis() * Math.pow(2, shift);
        double capped = Math.min(raw, cap.toMillis());
        double jittered = capped * (1 - JITTER * ThreadLocalRandom.current().nextDouble());
        return Duration.ofMillis(Math.max(1, Math.round(jittered)));
    }
}
