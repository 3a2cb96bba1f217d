package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.Ordo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code GET /health} (liveness): {@code {status: "ok", store, node}} while the server is up.
 * {@code GET /ready} (readiness): 200 {@code {status: "ready", store, node, table_health}} when the
 * store answers (its migrations ran when the node opened it, before the port was bound);
 * {@code table_health} is {@code {autovacuum: on|off|not_applicable, detail, vacuum_duty}}
 * ({@link ClusterRoutes#tableHealth}), informative only: autovacuum off does not make a node
 * unready, since the vacuum duty copes with it. 503 with the error
 * shape otherwise. Callers that may not see details (no token on a server with tokens) get only
 * the status, so these two routes can stay open to load balancers.
 */
public final class HealthRoutes implements RouteGroup {
    private static final Logger log = LoggerFactory.getLogger(HealthRoutes.class);

    private final Ordo ordo;
    private final Predicate<Context> details;

    public HealthRoutes(Ordo ordo) {
        this(ordo, ctx -> true);
    }

    /** @param details whether a request may see the node id, the store kind and error messages */
    public HealthRoutes(Ordo ordo, Predicate<Context> details) {
        this.ordo = ordo;
        this.details = details;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/health", ctx -> JobRoutes.send(ctx, 200, status(ctx, "ok")));
        routes.get("/ready", this::ready);
    }

    private ObjectNode status(Context ctx, String status) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("status", status);
        if (details.test(ctx)) {
            body.put("store", ordo.store().kind());
            body.put("node", ordo.config().nodeId());
            body.put("queue_backend", ordo.queueBackend().describe());
        }
        return body;
    }

    private void ready(Context ctx) {
        try {
            ordo.store().ping();
        } catch (RuntimeException e) {
            log.warn("not ready: the store does not answer: {}", e.toString());
            boolean show = details.test(ctx);
            ctx.header("Retry-After", "5");
            JobRoutes.send(ctx, 503, JobJson.error("not_ready", show ? "the store does not answer: " + e.getMessage() : "not ready",
                    show ? Map.of("store", ordo.store().kind()) : Map.of()));
            return;
        }
        var transport = ordo.queueBackend().problem();
        if (transport.isPresent()) {
            log.warn("not ready: the queue transport does not answer: {}", transport.get());
            boolean show = details.test(ctx);
            ctx.header("Retry-After", "5");
            JobRoutes.send(ctx, 503, JobJson.error("not_ready", show ? "the queue transport does not answer: " + transport.get() : "not ready",
                    show ? Map.of("queue_backend", ordo.queueBackend().describe()) : Map.of()));
            return;
        }
        ObjectNode body = status(ctx, "ready");
        if (details.test(ctx)) body.set("table_health", ClusterRoutes.tableHealth(ordo.cluster().tableHealth()));
        JobRoutes.send(ctx, 200, body);
    }
}
