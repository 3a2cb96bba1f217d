package io.ordo.core.queue;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The types seen per queue on this node, so that broker counts and purges cover their channels. */
final class Channels {
    private final Map<String, Set<String>> types = new ConcurrentHashMap<>();

    void note(String queue, String type) {
        types.computeIfAbsent(queue, k -> ConcurrentHashMap.newKeySet()).add(type);
    }

    void note(String queue, Set<String> more) {
        for (String t : more) note(queue, t);
    }

    /** The types seen in {@code queue} plus {@code also}. */
    Set<String> of(String queue, Set<String> also) {
        Set<String> known = types.get(queue);
        if (known == null) return Set.copyOf(also);
        Set<String> all = new java.util.HashSet<>(known);
        all.addAll(also);
        return all;
    }
}
