package io.ordo.core.store.memory;

import io.ordo.core.definition.StoredDefinition;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Job definitions and recorded schedule ticks of the in-memory store; guarded by the store's lock. */
final class MemoryDefinitions {
    private final Map<String, StoredDefinition> byId = new TreeMap<>();
    private final Set<String> ticks = new HashSet<>();
    private final Map<String, Instant> lastTick = new HashMap<>();

    StoredDefinition save(StoredDefinition d, Instant now) {
        StoredDefinition old = byId.get(d.id());
        StoredDefinition saved = new StoredDefinition(d.id(), d.name(), d.format(), d.source(), d.spec().deepCopy(), d.enabled(),
                d.schedule(), old == null ? 1 : old.version() + 1, old == null ? now : old.createdAt(), now);
        byId.put(d.id(), saved);
        return saved;
    }

    Optional<StoredDefinition> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    List<StoredDefinition> list() {
        return List.copyOf(byId.values());
    }

    boolean delete(String id) {
        return byId.remove(id) != null;
    }

    /** Records the tick; false if it was recorded before. */
    boolean recordTick(String definitionId, Instant tick) {
        if (!ticks.add(definitionId + "@" + tick.toEpochMilli())) return false;
        lastTick.merge(definitionId, tick, (a, b) -> a.isAfter(b) ? a : b);
        return true;
    }

    /** Undoes {@link #recordTick} (its insert failed), the newest tick included, as a rolled-back transaction would. */
    void forgetTick(String definitionId, Instant tick) {
        ticks.remove(definitionId + "@" + tick.toEpochMilli());
        if (!tick.equals(lastTick.get(definitionId))) return;
        String prefix = definitionId + "@";
        ticks.stream().filter(k -> k.startsWith(prefix) && k.indexOf('@', prefix.length()) < 0)
                .map(k -> Instant.ofEpochMilli(Long.parseLong(k.substring(prefix.length()))))
                .max(Instant::compareTo)
                .ifPresentOrElse(t -> lastTick.put(definitionId, t), () -> lastTick.remove(definitionId));
    }

    Optional<Instant> lastTick(String definitionId) {
        return Optional.ofNullable(lastTick.get(definitionId));
    }
}
