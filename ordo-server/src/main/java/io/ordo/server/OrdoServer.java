package io.ordo.server;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.ordo.core.Ordo;
import io.ordo.core.definition.LoadReport;
import io.ordo.core.ops.Cluster;
import io.ordo.server.api.ApiJson;
import io.ordo.server.api.ClusterRoutes;
import io.ordo.server.api.JobActionRoutes;
import io.ordo.server.api.OpenApiRoutes;
import io.ordo.server.api.QueueRoutes;
import io.ordo.server.api.LimitRoutes;
import io.ordo.server.api.DefinitionRoutes;
import io.ordo.server.api.ErrorMapping;
import io.ordo.server.api.HealthRoutes;
import io.ordo.server.api.JobRoutes;
import io.ordo.server.api.RouteGroup;
import io.ordo.server.auth.AuthGate;
import io.ordo.server.auth.Cors;
import io.ordo.server.auth.LoginRoutes;
import io.ordo.server.auth.SessionRoutes;
import io.ordo.server.dashboard.DashboardAssets;
import io.ordo.server.dashboard.DashboardRoutes;
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
    private final MetricsRoutes metrics;
    private final WorkerLauncher workers;
    private final Plugins plugins;
    private final CountDownLatch closed = new CountDownLatch(1);
    private Javalin app;
    private Thread shutdownHook;
    private boolean closing;
    private LoadReport definitionsLoaded;
    private final List<RouteGroup> extraRoutes = new java.util.ArrayList<>();
    private final DashboardAssets assets = DashboardAssets.load();

    private OrdoServer(ServerOptions options, Ordo ordo, MetricsRoutes metrics, Plugins plugins) {
        this.options = options;
        this.ordo = ordo;
        this.metrics = metrics;
        this.plugins = plugins;
        this.workers = new WorkerLauncher(options);
        ordo.cluster().commands().agent(new MachineAgent(workers, this::close));
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
        MetricsRoutes metrics = new MetricsRoutes();
        Plugins plugins = Plugins.load(options.pluginsDir());
        Ordo ordo = node(options, plugins, config -> {
            customize.accept(config);
            config.meterRegistry(config.meterRegistry() == null ? metrics.registry()
                    : new io.micrometer.core.instrument.composite.CompositeMeterRegistry().add(config.meterRegistry()).add(metrics.registry()));
        });
        return new OrdoServer(options, ordo, metrics, plugins);
    }

    /**
     * The node the (resolved) options describe, not started: its store opened (directory created),
     * webhooks wired, {@code plugins} registered after {@code customize}. If it cannot be created,
     * {@code plugins} is closed.
     */
    static Ordo node(ServerOptions options, Plugins plugins, java.util.function.Consumer<io.ordo.core.OrdoConfig> customize) {
        try {
            return node(options, config -> {
                customize.accept(config);
                plugins.addTo(config);
            });
        } catch (RuntimeException e) {
            plugins.close();
            throw e;
        }
    }

    private static Ordo node(ServerOptions options, java.util.function.Consumer<io.ordo.core.OrdoConfig> customize) {
        StoreUrls.prepare(options.storeUrl());
        // the webhook handler reads the secret when a delivery runs: the node (and its store) exists by then
        java.util.concurrent.atomic.AtomicReference<Ordo> node = new java.util.concurrent.atomic.AtomicReference<>();
        io.ordo.core.OrdoConfig config = options.toOrdoConfig(() -> node.get().webhookSecret());
        customize.accept(config);
        Ordo ordo = Ordo.create(config);
        node.set(ordo);
        return ordo;
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
                plugins.close();
                throw e;
            }
        }
        AuthGate gate = new AuthGate(options.tokens(), options.corsOrigins(), DashboardRoutes::isPage);
        SessionRoutes.Node self = new SessionRoutes.Node(ordo.config().nodeId(), Cluster.version(), ordo.store().kind(),
                !StoreUrls.inMemory(options.storeUrl()));
        List<RouteGroup> groups = List.of(
                // before the job routes: /api/jobs/definitions is not a job id
                new DefinitionRoutes(ordo.definitions(), options.maxBodyBytes()),
                new JobRoutes(ordo.jobs(), ordo.store(), options.maxBodyBytes(), ordo.cluster()::nodes),
                new JobActionRoutes(ordo.jobs(), options.maxBodyBytes()),
                new io.ordo.server.api.BatchRoutes(ordo.jobs()),
                new QueueRoutes(ordo.queues(), options.maxBodyBytes()),
                new LimitRoutes(ordo.queues(), options.maxBodyBytes()),
                new io.ordo.server.api.ScheduleRoutes(ordo.schedules(), options.maxBodyBytes()),
                new ClusterRoutes(ordo.cluster()),
                new io.ordo.server.api.WorkerRoutes(workers, ordo.cluster().commands(), ordo.config().nodeId(), options.maxBodyBytes()),
                new io.ordo.server.api.NodeCommandRoutes(ordo.cluster().commands(), options.maxBodyBytes()),
                new OpenApiRoutes(),
                new HealthRoutes(ordo, gate::revealsDetails),
                new LoginRoutes(options.tokens(), options.maxBodyBytes()),
                new SessionRoutes(options.tokens(), self, ordo.config().clock()),
                new DashboardRoutes(assets),
                metrics,
                new io.ordo.server.events.EventRoutes(ordo.eventHub(), options.eventStreams()));
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = options.maxBodyBytes();
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(ApiJson.MAPPER, true));
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonJettyErrorHandler()));
            // first, in front of every route, including the ones added below and later
            new Cors(options.corsOrigins()).install(config.routes);
            gate.install(config.routes);
            groups.forEach(g -> g.register(config.routes));
            extraRoutes.forEach(g -> g.register(config.routes));
            ErrorMapping.install(config.routes, options.maxBodyBytes());
        });
        try {
            javalin.start(options.host(), options.port());
        } catch (RuntimeException e) {
            javalin.stop();
            ordo.close();
            plugins.close();
            throw e;
        }
        app = javalin;
        ordo.start();
        log.info("HTTP API listening on {} ({})", boundAddress(), access());
        if (!options.tokens().enabled() && options.insecureOpen()) {
            log.warn("no API tokens and --insecure-open: anyone who can reach {} can run, cancel and delete jobs", boundAddress());
        }
        return this;
    }

    /** How the API is protected, for the log and the ready line. */
    private String access() {
        if (options.tokens().enabled()) {
            return "auth: " + options.tokens().adminCount() + " admin, " + options.tokens().readCount() + " read token(s)";
        }
        return options.insecureOpen() ? "NO AUTH: no API tokens, open to anyone who can connect"
                : "no API tokens: listening on loopback only";
    }

    /** The address and port the HTTP socket is bound to. */
    public java.net.InetSocketAddress boundAddress() {
        if (app == null) throw new IllegalStateException("server not started");
        for (org.eclipse.jetty.server.Connector c : app.jettyServer().server().getConnectors()) {
            if (c instanceof org.eclipse.jetty.server.ServerConnector sc && sc.getTransport() instanceof java.nio.channels.ServerSocketChannel ch) {
                try {
                    return (java.net.InetSocketAddress) ch.getLocalAddress();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        throw new IllegalStateException("no bound connector");
    }

    /**
     * Every route served, as {@code "GET /api/jobs/{id}"} (WebSocket routes as {@code "WS /ws"}), in
     * registration order: for tests that must cover each route, including ones added later.
     */
    public List<String> routeList() {
        if (app == null) throw new IllegalStateException("server not started");
        List<String> out = new java.util.ArrayList<>();
        app.unsafe.internalRouter.allHttpHandlers().forEach(p -> {
            if (p.endpoint.method.isHttpMethod()) out.add(p.endpoint.method.name() + " " + p.endpoint.path);
        });
        app.unsafe.internalRouter.allWsHandlers().forEach(w -> {
            if (w.getType() == io.javalin.websocket.WsHandlerType.WEBSOCKET) out.add("WS " + w.getPath());
        });
        return out;
    }

    /** The registry behind {@code GET /metrics}. */
    public io.micrometer.prometheusmetrics.PrometheusMeterRegistry meterRegistry() {
        return metrics.registry();
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
        return "Ordo ready at " + url() + " (dashboard and API; store: " + StoreUrls.describe(options.storeUrl())
                + (ordo.queueBackend().storeIsQueue() ? "" : ", queue: " + ordo.queueBackend().describe())
                + ", node " + ordo.config().nodeId() + "; " + access() + ")"
                + (plugins.dir() == null ? "" : "; plugins: " + plugins.summary());
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
            workers.close();
        } catch (RuntimeException e) {
            log.warn("stopping launched workers failed: {}", e.toString());
        }
        try {
            ordo.close();
        } finally {
            plugins.close();
            removeShutdownHook(shutdownHook);
            closed.countDown();
        }
    }

    /** Unregisters {@code hook} (if any) unless it is the thread running now, i.e. the JVM is shutting down through it. */
    static void removeShutdownHook(Thread hook) {
        if (hook == null || Thread.currentThread() == hook) return;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs (and returns at once) anyway
        }
    }
}
