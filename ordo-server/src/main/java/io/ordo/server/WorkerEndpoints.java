package io.ordo.server;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.ordo.core.Ordo;
import io.ordo.server.api.ApiJson;
import io.ordo.server.api.ErrorMapping;
import io.ordo.server.api.HealthRoutes;

/**
 * What an {@code ordo worker} serves with {@code --metrics-port}: {@code GET /metrics}, {@code /health}
 * and {@code /ready}, the server's own routes ({@link MetricsRoutes}, {@link HealthRoutes}) and
 * nothing else. There are no tokens here, so it binds loopback unless told otherwise.
 */
final class WorkerEndpoints implements AutoCloseable {
    private final Javalin app;
    private final String host;

    private WorkerEndpoints(Javalin app, String host) {
        this.app = app;
        this.host = host;
    }

    /** Binds {@code host:port} (0 picks a free port); throws if it cannot. */
    static WorkerEndpoints start(Ordo ordo, MetricsRoutes metrics, String host, int port) {
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(ApiJson.MAPPER, true));
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonJettyErrorHandler()));
            new HealthRoutes(ordo).register(config.routes);
            metrics.register(config.routes);
            ErrorMapping.install(config.routes, ServerOptions.DEFAULT_MAX_BODY);
        });
        try {
            javalin.start(host, port);
        } catch (RuntimeException e) {
            javalin.stop();
            throw e;
        }
        return new WorkerEndpoints(javalin, host);
    }

    /** The address for the ready line, e.g. {@code http://127.0.0.1:9464}. */
    String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port();
    }

    int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
