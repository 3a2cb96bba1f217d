package io.ordo.server;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.ordo.core.Ordo;
import io.ordo.core.definition.LoadReport;
import io.ordo.server.api.ApiJson;
import io.ordo.server.api.ClusterRoutes;
import io.ordo.server.api.JobActionRoutes;
import io.ordo.server.api.OpenApiRoutes;
import io.ordo.server.api.QueueRoutes;
import io.ordo.server.api.DefinitionRoutes;
import io.ordo.server.api.ErrorMapping;
import io.ordo.server.api.HealthRoutes;
import io.ordo.server.api.JobRoutes;
import io.ordo.server.api.RouteGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * An Ordo node with its HTTP API. {@link #create} opens the store (running migrations);
 * {@link #start} binds the port and starts the workers; {@link #close} stops HTTP first, then
 * shuts the node down gracefully, which hands running jobs back for another attempt.
 *
 * <pre>{@code
 * try (OrdoServer server = OrdoServer.create(new ServerOptions().port(0).resolve(System.getenv())).start()) {
 *     System.out.println(server.url());
 *     server.awaitClose();
 * }
 * }</pre>
 */
public final class OrdoServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrdoServer.class);

    private final ServerOptions options;
    private final Ordo ordo;
    private final CountDownLatch closed = new CountDownLatch(1);
    private Javalin app;
    private Thread shutdownHook;
    private boolean closing;
    private LoadReport definitionsLoaded;
    private final List<RouteGroup> extraRoutes = new java.util.ArrayList<>();

    private OrdoServer(ServerOptions options, Ordo ordo) {
        this.options = options;
        this.ordo = ordo;
    }

    /** Opens the store the (resolved) options name; nothing runs and no port is bound yet. */
    public static OrdoServer create(ServerOptions options) {
        return create(options, config -> { });
    }

    /**
     * Like {@link #create(ServerOptions)}, letting {@code customize} add to the node's configuration
     * first, e.g. {@code config -> AsJobs.register(config, DocumentService.class, impl)}.
     */
    public static OrdoServer create(ServerOptions options, java.util.function.Consumer<io.ordo.core.OrdoConfig> customize) {
        StoreUrls.prepare(options.storeUrl());
        io.ordo.core.OrdoConfig config = options.toOrdoConfig();
        customize.accept(config);
        return new OrdoServer(options, Ordo.create(config));
    }

    /** Adds routes served next to the API (e.g. an {@code AsyncEndpoint}); call before {@link #start}. */
    public synchronized OrdoServer routes(RouteGroup... groups) {
        if (app != null) throw new IllegalStateException("routes must be added before start()");
        extraRoutes.addAll(List.of(groups));
        return this;
    }

    /**
     * Loads the job definitions directory (if any; invalid files are logged and skipped), binds the
     * HTTP port (returns once it is bound), then starts the workers and the scheduler.
     */
    public synchronized OrdoServer start() {
        if (app != null) return this;
        if (options.definitionsDir() != null && definitionsLoaded == null) {
            try {
                definitionsLoaded = ordo.definitions().loadDirectory(options.definitionsDir());
            } catch (RuntimeException e) {
                ordo.close();
                throw e;
            }
        }
        List<RouteGroup> groups = List.of(
                // before the job routes: /api/jobs/definitions is not a job id
                new DefinitionRoutes(ordo.definitions(), options.maxBodyBytes()),
                new JobRoutes(ordo.jobs(), ordo.store(), options.maxBodyBytes()),
                new JobActionRoutes(ordo.jobs(), options.maxBodyBytes()),
                new QueueRoutes(ordo.queues(), options.maxBodyBytes()),
                new ClusterRoutes(ordo.cluster()),
                new OpenApiRoutes(),
                new HealthRoutes(ordo));
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = options.maxBodyBytes();
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(ApiJson.MAPPER, true));
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonJettyErrorHandler()));
            groups.forEach(g -> g.register(config.routes));
            extraRoutes.forEach(g -> g.register(config.routes));
            ErrorMapping.install(config.routes, options.maxBodyBytes());
        });
        try {
            javalin.start(options.host(), options.port());
        } catch (RuntimeException e) {
            javalin.stop();
            ordo.close();
            throw e;
        }
        app = javalin;
        ordo.start();
        log.info("HTTP API listening on {}", url());
        return this;
    }

    /** Makes SIGTERM / Ctrl-C shut the server down gracefully. */
    public synchronized OrdoServer installShutdownHook() {
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::close, "ordo-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return this;
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        if (app == null) throw new IllegalStateException("server not started");
        return app.port();
    }

    /** The base URL clients use, e.g. {@code http://localhost:8080}. */
    public String url() {
        String host = options.host();
        if (host.equals("0.0.0.0") || host.equals("127.0.0.1") || host.equals("::") || host.isBlank()) host = "localhost";
        else if (host.contains(":")) host = "[" + host + "]";
        return "http://" + host + ":" + port();
    }

    public Ordo ordo() {
        return ordo;
    }

    public ServerOptions options() {
        return options;
    }

    /** What loading the job definitions directory did at start-up; null when none was loaded. */
    public LoadReport definitionsLoaded() {
        return definitionsLoaded;
    }

    /** The one line printed when the server is ready. */
    public String readyLine() {
        return "Ordo ready at " + url() + " (store: " + StoreUrls.describe(options.storeUrl())
                + ", node " + ordo.config().nodeId() + ")";
    }

    /** Blocks until {@link #close} has finished (from another thread or the shutdown hook). */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closing) return;
            closing = true;
        }
        try {
            if (app != null) app.stop();
        } catch (RuntimeException e) {
            log.warn("stopping HTTP failed: {}", e.toString());
        }
        try {
            ordo.close();
        } finally {
            removeShutdownHook();
            closed.countDown();
        }
    }

    private void removeShutdownHook() {
        if (shutdownHook == null || Thread.currentThread() == shutdownHook) return;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs (and returns at once) anyway
        }
    }
}
