package io.ordo.core.ops;

import io.ordo.core.ConflictException;
import io.ordo.core.OrdoConfig;
import io.ordo.core.OrdoException;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Uuids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Orders to nodes, through the store: any node {@link #send}s one to a live node, which takes it in its next
 * operations round (each second, see {@link Cluster}) and records the outcome. Draining is the node's own
 * (it stops claiming); launching and stopping need the {@link NodeAgent} of the program that runs the node.
 */
public final class NodeCommands {
    private static final Logger log = LoggerFactory.getLogger(NodeCommands.class);
    /** Finished orders are kept this long for {@code GET /api/cluster/commands/{id}}. */
    static final Duration KEEP = Duration.ofDays(1);

    private final OrdoConfig config;
    private final JobStore store;
    private final Supplier<List<NodeView>> nodes;
    private final Consumer<Boolean> drain;
    private volatile NodeAgent agent;
    private volatile boolean stopped;

    NodeCommands(OrdoConfig config, JobStore store, Supplier<List<NodeView>> nodes, Consumer<Boolean> drain) {
        this.config = config;
        this.store = store;
        this.nodes = nodes;
        this.drain = drain;
    }

    /** The agent that launches workers on this machine and stops this node; none for an embedded node. */
    public void agent(NodeAgent agent) {
        this.agent = agent;
    }

    /**
     * Stores an order for {@code node}. Nothing is stored for a node the store does not know (not_found) or one
     * that is stopped or lost (conflict): no one would take it.
     */
    public NodeCommand send(String node, String kind, Map<String, Object> args) {
        NodeView target = nodes.get().stream().filter(v -> v.node().id().equals(node)).findFirst()
                .orElseThrow(() -> new OrdoException("not_found", "no node '" + node + "' in this cluster ('ordo nodes' lists them)"));
        if (target.state().equals(NodeView.STOPPED) || target.state().equals(NodeView.LOST)) {
            throw new ConflictException("node '" + node + "' is " + target.state() + " (last seen " + target.node().seenAt()
                    + "): it cannot take a " + kind + " order");
        }
        NodeCommand c = NodeCommand.of(Uuids.v7(), node, kind, args, config.clock().instant());
        store.addNodeCommand(c);
        log.info("{} order {} sent to node {}", kind, c.id(), node);
        return c;
    }

    public Optional<NodeCommand> get(UUID id) {
        return store.nodeCommand(id);
    }

    /** Takes this node's pending orders and carries them out, in the order they were sent. */
    void poll() {
        if (stopped) return;
        for (NodeCommand c : store.takeNodeCommands(config.nodeId(), config.clock().instant())) {
            if (stopped) {
                finish(c, null, "the node stopped before it carried this order out");
                continue;
            }
            try {
                run(c);
            } catch (RuntimeException e) {
                log.warn("{} order {} failed", c.kind(), c.id(), e);
                finish(c, null, e.getMessage() != null ? e.getMessage() : e.toString());
            }
        }
    }

    private void run(NodeCommand c) {
        NodeAgent a = agent;
        switch (c.kind()) {
            case NodeCommand.DRAIN, NodeCommand.RESUME -> {
                boolean on = c.kind().equals(NodeCommand.DRAIN);
                drain.accept(on);
                finish(c, Map.of("draining", on), null);
            }
            case NodeCommand.LAUNCH -> {
                if (a == null) {
                    finish(c, null, "this node cannot launch workers: it is an embedded node");
                    return;
                }
                finish(c, a.launch(intArg(c, "concurrency", 10), stringsArg(c, "queues"), mapArg(c, "capabilities")), null);
            }
            case NodeCommand.STOP -> {
                if (a == null) {
                    finish(c, null, "this node cannot be stopped remotely: it is an embedded node (its application stops it)");
                    return;
                }
                // recorded first: the store closes with the node
                finish(c, Map.of("stopping", true), null);
                stopped = true;
                log.info("stopping on order {}", c.id());
                a.stop();
            }
            default -> finish(c, null, "unknown order '" + c.kind() + "'");
        }
    }

    private void finish(NodeCommand c, Map<String, Object> result, String error) {
        store.finishNodeCommand(c.id(), result == null ? null : new LinkedHashMap<>(result), error, config.clock().instant());
    }

    private static int intArg(NodeCommand c, String name, int otherwise) {
        return c.args().get(name) instanceof Number n ? n.intValue() : otherwise;
    }

    private static List<String> stringsArg(NodeCommand c, String name) {
        List<String> out = new ArrayList<>();
        if (c.args().get(name) instanceof List<?> l) l.forEach(o -> out.add(String.valueOf(o)));
        return out;
    }

    private static Map<String, String> mapArg(NodeCommand c, String name) {
        Map<String, String> out = new LinkedHashMap<>();
        if (c.args().get(name) instanceof Map<?, ?> m) m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
        return out;
    }
}
