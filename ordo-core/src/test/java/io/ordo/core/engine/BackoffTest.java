package io.ordo.core.engine;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @RepeatedTest(20)
    void growsExponentiallyWithJitterUnderTheCap() {
        Duration base = Duration.ofSeconds(1);
        Duration cap = Duration.ofSeconds(30);
        for (int attempt = 1; attempt <= 10; attempt++) {
            long expected = Math.min(1000L << (attempt - 1), 30_000);
            long got = Backoff.delay(attempt, base, cap).toMillis();
            assertThat(got).as("attempt %d", attempt).isBetween((long) (expected * (1 - Backoff.JITTER)) - 1, expected);
        }
    }

    @Test
    void zeroBaseMeansNoWaitAndHugeAttemptsDoNotOverflow() {
        assertThat(Backoff.delay(5, Duration.ZERO, Duration.ofMinutes(1))).isZero();
        assertThat(Backoff.delay(10_000, Duration.ofSeconds(1), Duration.ofHours(1))).isLessThanOrEqualTo(Duration.ofHours(1));
    }
}
