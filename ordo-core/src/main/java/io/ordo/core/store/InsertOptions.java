package io.ordo.core.store;

import java.util.Map;

/** Limits checked atomically with an insert: per-queue capacity (pending + scheduled jobs). */
public record InsertOptions(Map<String, Integer> queueCapacity) {
    public static final InsertOptions NONE = new InsertOptions(Map.of());

    public InsertOptions {
        queueCapacity = Map.copyOf(queueCapacity);
    }

    public Integer capacityOf(String queue) {
        return queueCapacity.get(queue);
    }
}
