package io.ordo.core.engine;

import io.ordo.core.InvalidRequestException;

/**
 * A queue this node serves.
 *
 * @param concurrency jobs of this queue run at once on this node (0: submit-only here)
 * @param capacity    most jobs waiting (pending + scheduled) before submits fail with
 *                    {@link io.ordo.core.QueueFullException}; null for no limit
 */
public record QueueConfig(String name, int concurrency, Integer capacity) {
    public QueueConfig {
        Names.checkQueue(name);
        if (concurrency < 0) throw new InvalidRequestException("queue " + name + ": concurrency must be >= 0");
        if (capacity != null && capacity < 1) throw new InvalidRequestException("queue " + name + ": capacity must be >= 1");
    }
}
