package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.ordo.core.Ordo;

/** {@code GET /health}: {@code {status: "ok", store, node}} while the server is up. */
public final class HealthRoutes implements RouteGroup {
    private final Ordo ordo;

    public HealthRoutes(Ordo ordo) {
        this.ordo = ordo;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/health", ctx -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("status", "ok");
            body.put("store", ordo.store().kind());
            body.put("node", ordo.config().nodeId());
            JobRoutes.send(ctx, 200, body);
        });
    }
}
