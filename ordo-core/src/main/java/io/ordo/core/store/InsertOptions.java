package io.ordo.core.store;

import java.util.Map;

/**
 * Limits checked atomically with an insert: capacity (pending + scheduled jobs) per queue and per
 * job type (the latter over every queue).
 */
public record InsertOptions(Map<String, Integer> queueCapacity, Map<String, Integer> typeCapacity) {
    public static final InsertOptions NONE = new InsertOptions(Map.of());

    public InsertOptions {
        queueCapacity = Map.copyOf(queueCapacity);
        typeCapacity = Map.copyOf(typeCapacity);
    }

    public InsertOptions(Map<String, Integer> queueCapacity) {
        this(queueCapacity, Map.of());
    }

    public Integer typeCapacityOf(String type) {
        return typeCapacity.get(type);
    }

    /**
     * These options with the stored capacities laid over them: a capacity stored for a queue (shared
     * by every node) wins over this node's flag for it.
     */
    public InsertOptions withStored(Map<String, Integer> storedQueues, Map<String, Integer> storedTypes) {
        if (storedQueues.isEmpty() && storedTypes.isEmpty()) return this;
        Map<String, Integer> q = new java.util.HashMap<>(queueCapacity);
        q.putAll(storedQueues);
        Map<String, Integer> t = new java.util.HashMap<>(typeCapacity);
        t.putAll(storedTypes);
        return new InsertOptions(q, t);
    }

    public Integer capacityOf(String queue) {
        return queueCapacity.get(queue);
    }
}
