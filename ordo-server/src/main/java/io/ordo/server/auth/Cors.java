package io.ordo.server.auth;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.List;
import java.util.Set;

/**
 * Cross-origin access: off unless origins are configured (then no CORS header is ever sent and
 * browsers keep other sites' pages from reading the API). An allowed origin gets the CORS headers
 * and its preflight {@code OPTIONS} is answered 204 without a token, as browsers send none there;
 * its real requests still need one.
 */
public final class Cors {
    private final Set<String> origins;

    public Cors(List<String> origins) {
        this.origins = Set.copyOf(origins);
    }

    /** Runs before the {@link AuthGate}; installs nothing when no origin is allowed. */
    public void install(RoutesConfig routes) {
        if (origins.isEmpty()) return;
        routes.before(this::handle);
    }

    private void handle(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || !origins.contains(origin)) return;
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
        if (HandlerType.OPTIONS.equals(ctx.method()) && ctx.header("Access-Control-Request-Method") != null) {
            ctx.header("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE");
            ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID");
            ctx.header("Access-Control-Max-Age", "600");
            ctx.status(204);
            ctx.skipRemainingHandlers();
        }
    }
}
