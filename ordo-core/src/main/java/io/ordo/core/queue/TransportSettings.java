package io.ordo.core.queue;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node uses a transport.
 *
 * @param consumer       this node's consumer name (its node id): unique among live nodes
 * @param redeliverAfter where the broker can only tell a dead consumer by silence (Redis), a
 *                       delivered message unacknowledged for this long goes to another consumer
 */
public record TransportSettings(String consumer, Duration redeliverAfter) {
    public static final Duration DEFAULT_REDELIVER_AFTER = Duration.ofSeconds(30);

    public TransportSettings {
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(redeliverAfter, "redeliverAfter");
        if (consumer.isBlank()) throw new IllegalArgumentException("consumer name must not be blank");
        if (redeliverAfter.isNegative() || redeliverAfter.isZero()) throw new IllegalArgumentException("redeliverAfter must be positive");
    }
}
