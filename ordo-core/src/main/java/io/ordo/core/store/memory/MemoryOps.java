package io.ordo.core.store.memory;

import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.ops.NodeInfo;
import io.ordo.core.ops.QueueMinute;
import io.ordo.core.store.LeaderLease;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The in-memory store's event log, queue flags, queue minutes, nodes and settings; used under the store's lock. */
final class MemoryOps {
    private final List<StoredEvent> events = new ArrayList<>();
    private long eventSeq;
    private final Map<String, Boolean> queueFlags = new TreeMap<>();
    private final Map<String, QueueMinute> minutes = new HashMap<>();
    private final Map<String, NodeInfo> nodes = new TreeMap<>();
    private final Map<String, String> settings = new HashMap<>();
    private LeaderLease leader;
    private final Map<java.util.UUID, io.ordo.core.ops.NodeCommand> commands = new java.util.LinkedHashMap<>();

    void append(List<OrdoEvent> batch) {
        for (OrdoEvent e : batch) events.add(new StoredEvent(++eventSeq, e));
    }

    List<StoredEvent> after(long afterId, int limit) {
        List<StoredEvent> out = new ArrayList<>();
        for (StoredEvent e : events) {
            if (e.id() > afterId) out.add(e);
            if (out.size() == limit) break;
        }
        return out;
    }

    long last() {
        return events.isEmpty() ? 0 : events.getLast().id();
    }

    long first() {
        return events.isEmpty() ? 0 : events.getFirst().id();
    }

    int prune(Instant before, int limit) {
        int n = 0;
        while (n < limit && !events.isEmpty() && events.getFirst().event().at().isBefore(before)) {
            events.removeFirst();
            n++;
        }
        return n;
    }

    void flag(String queue, boolean paused) {
        queueFlags.put(queue, paused);
    }

    Map<String, Boolean> flags() {
        return Map.copyOf(queueFlags);
    }

    void saveMinutes(List<QueueMinute> list) {
        for (QueueMinute m : list) minutes.put(m.queue() + "|" + m.minute().toEpochMilli() + "|" + m.node(), m);
    }

    List<QueueMinute> minutesSince(Instant since) {
        return minutes.values().stream().filter(m -> !m.minute().isBefore(since)).toList();
    }

    int pruneMinutes(Instant before) {
        int size = minutes.size();
        minutes.values().removeIf(m -> m.minute().isBefore(before));
        return size - minutes.size();
    }

    void saveNode(NodeInfo n) {
        nodes.put(n.id(), n);
    }

    List<NodeInfo> nodes() {
        return List.copyOf(nodes.values());
    }

    int pruneNodes(Instant before) {
        int size = nodes.size();
        nodes.values().removeIf(n -> n.seenAt().isBefore(before));
        return size - nodes.size();
    }

    String setting(String key, Supplier<String> initial) {
        return settings.computeIfAbsent(key, k -> initial.get());
    }

    Optional<LeaderLease> lead(String node, Instant now, Duration lease) {
        if (leader != null && !leader.node().equals(node) && leader.heldAt(now)) return Optional.empty();
        boolean same = leader != null && leader.node().equals(node);
        leader = new LeaderLease(node, leader == null ? 1 : same ? leader.term() : leader.term() + 1,
                same ? leader.since() : now, now.plus(lease));
        return Optional.of(leader);
    }

    void resign(String node, Instant now) {
        if (leader != null && leader.node().equals(node) && leader.until().isAfter(now)) {
            leader = new LeaderLease(node, leader.term(), leader.since(), now);
        }
    }

    Optional<LeaderLease> leader() {
        return Optional.ofNullable(leader);
    }

    void addCommand(io.ordo.core.ops.NodeCommand c) {
        commands.put(c.id(), c);
    }

    java.util.Optional<io.ordo.core.ops.NodeCommand> command(java.util.UUID id) {
        return java.util.Optional.ofNullable(commands.get(id));
    }

    List<io.ordo.core.ops.NodeCommand> takeCommands(String node, Instant now) {
        List<io.ordo.core.ops.NodeCommand> out = new ArrayList<>();
        for (var e : commands.entrySet()) {
            var c = e.getValue();
            if (!c.node().equals(node) || c.takenAt() != null) continue;
            var taken = new io.ordo.core.ops.NodeCommand(c.id(), c.node(), c.kind(), c.args(), c.createdAt(), node, now, null, null, null);
            e.setValue(taken);
            out.add(taken);
        }
        return out;
    }

    void finishCommand(java.util.UUID id, Map<String, Object> result, String error, Instant now) {
        commands.computeIfPresent(id, (k, c) -> new io.ordo.core.ops.NodeCommand(c.id(), c.node(), c.kind(), c.args(), c.createdAt(),
                c.takenBy(), c.takenAt(), now, result, error));
    }

    int pruneCommands(Instant before) {
        int size = commands.size();
        commands.values().removeIf(c -> c.createdAt().isBefore(before));
        return size - commands.size();
    }
}
