package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.ops.Cluster;
import io.ordo.core.ops.NodeInfo;
import io.ordo.core.ops.NodeView;
import io.ordo.core.ops.TableHealth;

import java.util.List;
import java.util.Set;

/**
 * {@code GET /api/cluster/nodes} → 200 {@code {nodes: [{id, host, pid, version, state, leader, started_at, seen_at,
 * stopped_at, queues, types, running, slots, capabilities}], table_health: {autovacuum, detail, vacuum_duty}}}: every node the
 * store knows; {@code state} is {@code alive}, {@code draining} (claims no new jobs, on order), {@code stopped} (shut down
 * cleanly) or {@code lost} (silent for three report intervals); {@code leader} is true for the node holding the leader
 * lease (it runs the cluster-wide duties). {@code table_health} is the store's, as the answering node sees it (see {@link #tableHealth}).
 *
 * <p>Launching a worker ({@code POST /api/cluster/workers}) is {@link WorkerRoutes}; orders to nodes (drain, resume,
 * stop) are {@link NodeCommandRoutes}.
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
        ObjectNode body = nodes(cluster.nodes());
        body.set("table_health", tableHealth(cluster.tableHealth()));
        JobRoutes.send(ctx, 200, body);
    }

    /**
     * {@code {autovacuum: "on"|"off"|"not_applicable", detail, vacuum_duty}}: whether PostgreSQL's
     * autovacuum covers Ordo's hot tables (as the store last read it; not applicable to SQLite and
     * memory), why not, and whether this node takes its turn at the vacuum duty.
     */
    static ObjectNode tableHealth(TableHealth h) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("autovacuum", h.autovacuum());
        o.put("detail", h.detail());
        o.put("vacuum_duty", h.vacuumDuty());
        return o;
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
            o.put("leader", v.leader());
            o.put("started_at", JobJson.time(n.startedAt()));
            o.put("seen_at", JobJson.time(n.seenAt()));
            o.put("stopped_at", JobJson.time(n.stoppedAt()));
            ArrayNode qs = o.putArray("queues");
            n.queues().forEach(qs::add);
            ArrayNode types = o.putArray("types");
            n.types().forEach(types::add);
            o.put("running", n.running());
            o.put("slots", n.slots());
            ObjectNode caps = o.putObject("capabilities");
            n.capabilities().forEach(caps::put);
        }
        return body;
    }
}
