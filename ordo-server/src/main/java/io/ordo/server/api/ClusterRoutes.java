package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.ops.Cluster;
import io.ordo.core.ops.NodeInfo;
import io.ordo.core.ops.NodeView;

import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/cluster/nodes} → 200 {@code {nodes: [{id, host, pid, version, state, started_at, seen_at,
 * stopped_at, queues, types, running, slots}]}}: every node the store knows; {@code state} is {@code alive},
 * {@code stopped} (shut down cleanly) or {@code lost} (silent for three report intervals).
 *
 * <p>Launching a worker ({@code POST /api/cluster/workers}) is {@link WorkerRoutes}.
 */
public final class ClusterRoutes implements RouteGroup {
    private final Cluster cluster;

    public ClusterRoutes(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/cluster/nodes", this::nodes);
    }

    private void nodes(Context ctx) {
        QueryParams.of(ctx, Set.of());
        JobRoutes.send(ctx, 200, nodes(cluster.nodes()));
    }

    static ObjectNode nodes(List<NodeView> views) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode out = body.putArray("nodes");
        for (NodeView v : views) {
            NodeInfo n = v.node();
            ObjectNode o = out.addObject();
            o.put("id", n.id());
            o.put("host", n.host());
            o.put("pid", n.pid());
            o.put("version", n.version());
            o.put("state", v.state());
            o.put("started_at", JobJson.time(n.startedAt()));
            o.put("seen_at", JobJson.time(n.seenAt()));
            o.put("stopped_at", JobJson.time(n.stoppedAt()));
            ArrayNode qs = o.putArray("queues");
            n.queues().forEach(qs::add);
            ArrayNode types = o.putArray("types");
            n.types().forEach(types::add);
            o.put("running", n.running());
            o.put("slots", n.slots());
        }
        return body;
    }
}
