package io.ordo.core.limits;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** All stored limits at one moment, by scope and name: what a node caches and looks up per claim and submit. */
public final class Limits {
    public static final Limits NONE = new Limits(List.of());

    private final Map<String, Limit> queues = new HashMap<>();
    private final Map<String, Limit> types = new HashMap<>();
    private final List<Limit> all;
    private final Map<String, Integer> queueCapacities;
    private final Map<String, Integer> typeCapacities;

    public Limits(Collection<Limit> limits) {
        all = List.copyOf(limits);
        for (Limit l : all) (l.scope() == LimitScope.QUEUE ? queues : types).put(l.name(), l);
        queueCapacities = Map.copyOf(capacities(queues));
        typeCapacities = Map.copyOf(capacities(types));
    }

    public List<Limit> all() {
        return all;
    }

    public Optional<Limit> queue(String queue) {
        return Optional.ofNullable(queues.get(queue));
    }

    public Optional<Limit> type(String type) {
        return Optional.ofNullable(types.get(type));
    }

    /**
     * Whether a claim from {@code queue} of {@code claimTypes} must take the limited path: a
     * max_running or rate is stored for the queue or one of the types. Cheap: hash lookups only.
     */
    public boolean limitsClaim(String queue, Set<String> claimTypes) {
        if (types.isEmpty() && queues.isEmpty()) return false;
        Limit q = queues.get(queue);
        if (q != null && q.limitsClaims()) return true;
        if (types.isEmpty()) return false;
        for (String t : claimTypes) {
            Limit l = types.get(t);
            if (l != null && l.limitsClaims()) return true;
        }
        return false;
    }

    /** Stored capacities of queues that have one. */
    public Map<String, Integer> queueCapacities() {
        return queueCapacities;
    }

    /** Stored capacities of types that have one. */
    public Map<String, Integer> typeCapacities() {
        return typeCapacities;
    }

    private static Map<String, Integer> capacities(Map<String, Limit> m) {
        Map<String, Integer> out = new HashMap<>();
        m.forEach((name, l) -> {
            if (l.capacity() != null) out.put(name, l.capacity());
        });
        return out;
    }
}
