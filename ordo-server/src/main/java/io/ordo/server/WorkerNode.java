package io.ordo.server;

import io.ordo.core.Ordo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * A node that only runs jobs: workers, maintenance and the scheduler on a shared store, no HTTP API
 * ({@code ordo worker}). Servers and workers on one store split the work between them; a worker runs
 * the same handlers and step actions as a server built from the same options, plugins included.
 * With a metrics port it serves {@code /metrics}, {@code /health} and {@code /ready} there
 * ({@link WorkerEndpoints}); otherwise it listens on nothing.
 */
public final class WorkerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);

    private final ServerOptions options;
    private final Ordo ordo;
    private final Plugins plugins;
    private final WorkerEndpoints endpoints;
    private final WorkerLauncher launched;
    private final CountDownLatch closed = new CountDownLatch(1);
    private Thread shutdownHook;
    private boolean closing;

    private WorkerNode(ServerOptions options, Ordo ordo, Plugins plugins, WorkerEndpoints endpoints) {
        this.options = options;
        this.ordo = ordo;
        this.plugins = plugins;
        this.endpoints = endpoints;
        this.launched = new WorkerLauncher(options);
        ordo.cluster().commands().agent(new MachineAgent(launched, this::close));
    }

    /** The metrics port cannot be bound (in use, or a bad address); the node was not started. */
    public static final class EndpointsUnavailableException extends RuntimeException {
        EndpointsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Loads the plugins, opens the store the (resolved) options name, binds the metrics port (if
     * any) and starts the workers; if any step fails, nothing is left running.
     */
    public static WorkerNode start(ServerOptions options) {
        MetricsRoutes metrics = options.metricsPort() == null ? null : new MetricsRoutes();
        Plugins plugins = Plugins.load(options.pluginsDir());
        Ordo ordo = OrdoServer.node(options, plugins, config -> {
            if (metrics != null) config.meterRegistry(metrics.registry());
        });
        WorkerEndpoints endpoints = null;
        if (metrics != null) {
            try {
                endpoints = WorkerEndpoints.start(ordo, metrics, options.metricsHost(), options.metricsPort());
            } catch (RuntimeException e) {
                ordo.close();
                plugins.close();
                String where = options.metricsHost() + ":" + options.metricsPort();
                throw new EndpointsUnavailableException(hasCause(e, BindException.class)
                        ? "cannot serve metrics on " + where + ": the port is in use (choose another with --metrics-port)"
                        : "cannot serve metrics on " + where + ": " + e.getMessage(), e);
            }
        }
        if (endpoints != null && !ServerOptions.isLoopback(options.metricsHost())) {
            log.warn("metrics, health and ready served at {} without a token: expose it to a trusted network only", endpoints.url());
        }
        WorkerNode node = new WorkerNode(options, ordo, plugins, endpoints); // its agent is set before the first node order can arrive
        ordo.start();
        return node;
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }

    public Ordo ordo() {
        return ordo;
    }

    /** Where /metrics, /health and /ready are served, e.g. {@code http://127.0.0.1:9464}; null without a metrics port. */
    public String endpointsUrl() {
        return endpoints == null ? null : endpoints.url();
    }

    /** The one line printed when the worker runs. */
    public String readyLine() {
        String queues = ordo.config().queues().values().stream().map(q -> q.name() + "=" + q.concurrency())
                .collect(Collectors.joining(", "));
        return "Ordo worker " + ordo.config().nodeId() + " running on " + StoreUrls.describe(options.storeUrl())
                + (ordo.queueBackend().storeIsQueue() ? "" : ", queue carried by " + ordo.queueBackend().describe())
                + " (queues: " + queues + ")"
                + (endpoints == null ? "" : "; metrics, health and ready at " + endpoints.url())
                + (plugins.dir() == null ? "" : "; plugins: " + plugins.summary());
    }

    /** Makes SIGTERM / Ctrl-C stop the worker gracefully (running jobs finish or are handed back). */
    public synchronized WorkerNode installShutdownHook() {
        if (shutdownHook == null) {
            shutdownHook = new Thread(this::close, "ordo-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
        return this;
    }

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
            if (endpoints != null) endpoints.close();
        } catch (RuntimeException e) {
            log.warn("stopping the metrics endpoint failed: {}", e.toString());
        }
        try {
            launched.close(); // workers this one launched on order stop with it
        } catch (RuntimeException e) {
            log.warn("stopping launched workers failed: {}", e.toString());
        }
        try {
            ordo.close();
        } finally {
            plugins.close();
            OrdoServer.removeShutdownHook(shutdownHook);
            closed.countDown();
            log.info("worker {} stopped", ordo.config().nodeId());
        }
    }
}
