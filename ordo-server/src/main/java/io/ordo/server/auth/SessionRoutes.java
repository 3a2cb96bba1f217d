package io.ordo.server.auth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.server.api.ApiJson;
import io.ordo.server.api.RouteGroup;

import java.time.Clock;
import java.time.Instant;

/**
 * {@code GET /api/session} → {@code {auth, role, node_id, version, store, launch_workers, server_time}}: what
 * the caller may do here, for the dashboard, which hides the controls a {@code read} token cannot use
 * (the server refuses them anyway). {@code auth} says whether the server has tokens (without them
 * every caller is {@code admin}); {@code launch_workers} whether {@code POST /api/cluster/workers}
 * can work on this store; {@code server_time} lets a browser with a skewed clock show "3 min ago" right.
 */
public final class SessionRoutes implements RouteGroup {
    /** What the node says about itself. */
    public record Node(String nodeId, String version, String store, boolean launchWorkers) {
    }

    private final ApiTokens tokens;
    private final Node node;
    private final Clock clock;

    public SessionRoutes(ApiTokens tokens, Node node, Clock clock) {
        this.tokens = tokens;
        this.node = node;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/session", this::session);
    }

    private void session(Context ctx) {
        Role role = tokens.enabled() ? ctx.attribute(AuthGate.ROLE_ATTRIBUTE) : Role.ADMIN;
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("auth", tokens.enabled());
        o.put("role", role == null ? null : role.wireName());
        o.put("node_id", node.nodeId());
        o.put("version", node.version());
        o.put("store", node.store());
        o.put("launch_workers", node.launchWorkers());
        o.put("server_time", Instant.now(clock).toString());
        ctx.status(200).contentType("application/json").header("Cache-Control", "no-store").result(ApiJson.write(o));
    }
}
