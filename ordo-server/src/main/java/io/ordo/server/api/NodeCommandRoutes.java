package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.OrdoException;
import io.ordo.core.ops.NodeCommand;
import io.ordo.core.ops.NodeCommands;
import io.ordo.core.util.Json;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Orders to nodes:
 * <ul>
 * <li>{@code POST /api/cluster/nodes/{id}/drain} → 202 {@code {id, node, kind, status, url}}: the node stops claiming
 *     new jobs (every queue) and lets its running ones finish; {@code GET /api/cluster/nodes} shows it
 *     {@code draining}, its {@code running} count falling to 0.</li>
 * <li>{@code POST /api/cluster/nodes/{id}/resume} → 202: it claims again.</li>
 * <li>{@code POST /api/cluster/nodes/{id}/stop} → 202: it shuts down as on SIGTERM (running jobs get the shutdown
 *     grace, then are handed back) and its process exits 0.</li>
 * <li>{@code GET /api/cluster/commands/{id}} → 200 {@code {id, node, kind, status, args, created_at, taken_by,
 *     taken_at, finished_at, result, error}}: {@code status} is {@code pending} (not taken yet), {@code running},
 *     {@code done} or {@code failed}.</li>
 * </ul>
 * The node takes the order within about a second. 404 for a node the store does not know, 409 for one that is
 * stopped or lost; nothing is stored then. A launch order is {@code POST /api/cluster/workers} with {@code node}
 * ({@link WorkerRoutes}).
 */
public final class NodeCommandRoutes implements RouteGroup {
    private final NodeCommands commands;
    private final int maxBodyBytes;

    public NodeCommandRoutes(NodeCommands commands, int maxBodyBytes) {
        this.commands = commands;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/cluster/nodes/{id}/drain", ctx -> order(ctx, NodeCommand.DRAIN));
        routes.post("/api/cluster/nodes/{id}/resume", ctx -> order(ctx, NodeCommand.RESUME));
        routes.post("/api/cluster/nodes/{id}/stop", ctx -> order(ctx, NodeCommand.STOP));
        routes.get("/api/cluster/commands/{id}", this::get);
    }

    private void order(Context ctx, String kind) {
        String node = ctx.pathParam("id").trim();
        if (node.isEmpty()) throw ApiError.badField("id", "the node id is empty");
        QueryParams.of(ctx, Set.of());
        RequestBodies.none(ctx, maxBodyBytes);
        JobRoutes.send(ctx, 202, accepted(commands.send(node, kind, Map.of())));
    }

    private void get(Context ctx) {
        QueryParams.of(ctx, Set.of());
        String raw = ctx.pathParam("id");
        UUID id;
        try {
            id = UUID.fromString(raw.trim());
        } catch (IllegalArgumentException e) {
            throw ApiError.badField("id", "'" + raw + "' is not a command id (a UUID)");
        }
        NodeCommand c = commands.get(id).orElseThrow(() -> new OrdoException("not_found", "no node command " + id));
        JobRoutes.send(ctx, 200, json(c));
    }

    /** The 202 answer to an order: {@code {id, node, kind, status, url}}. */
    static ObjectNode accepted(NodeCommand c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", c.id().toString());
        o.put("node", c.node());
        o.put("kind", c.kind());
        o.put("status", c.status());
        o.put("url", "/api/cluster/commands/" + c.id());
        return o;
    }

    static ObjectNode json(NodeCommand c) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", c.id().toString());
        o.put("node", c.node());
        o.put("kind", c.kind());
        o.put("status", c.status());
        o.set("args", Json.MAPPER.valueToTree(c.args()));
        o.put("created_at", JobJson.time(c.createdAt()));
        o.put("taken_by", c.takenBy());
        o.put("taken_at", JobJson.time(c.takenAt()));
        o.put("finished_at", JobJson.time(c.finishedAt()));
        o.set("result", c.result() == null ? JsonNodeFactory.instance.nullNode() : Json.MAPPER.valueToTree(c.result()));
        o.put("error", c.error());
        return o;
    }
}
