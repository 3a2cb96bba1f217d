package io.ordo.server;

import io.ordo.core.Ordo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * A node that only runs jobs: workers, maintenance and the scheduler on a shared store, no HTTP API
 * ({@code ordo worker}). Servers and workers on one store split the work between them; a worker runs
 * the same handlers and step actions as a server built from the same options.
 */
public final class WorkerNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);

    private final ServerOptions options;
    private final Ordo ordo;
    private final WorkerLauncher launched;
    private final CountDownLatch closed = new CountDownLatch(1);
    private Thread shutdownHook;
    private boolean closing;

    private WorkerNode(ServerOptions options, Ordo ordo) {
        this.options = options;
        this.ordo = ordo;
        this.launched = new WorkerLauncher(options);
        ordo.cluster().commands().agent(new MachineAgent(launched, this::close));
    }

    /** Opens the store the (resolved) options name and starts the workers. */
    public static WorkerNode start(ServerOptions options) {
        Ordo ordo = OrdoServer.node(options, config -> { });
        WorkerNode node = new WorkerNode(options, ordo); // its agent is set before the first node order can arrive
        ordo.start();
        return node;
    }

    public Ordo ordo() {
        return ordo;
    }

    /** The one line printed when the worker runs. */
    public String readyLine() {
        String queues = ordo.config().queues().values().stream().map(q -> q.name() + "=" + q.concurrency())
                .collect(Collectors.joining(", "));
        return "Ordo worker " + ordo.config().nodeId() + " running on " + StoreUrls.describe(options.storeUrl())
                + (ordo.queueBackend().storeIsQueue() ? "" : ", queue carried by " + ordo.queueBackend().describe())
                + " (queues: " + queues + ")";
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
            launched.close(); // workers this one launched on order stop with it
        } catch (RuntimeException e) {
            log.warn("stopping launched workers failed: {}", e.toString());
        }
        try {
            ordo.close();
        } finally {
            OrdoServer.removeShutdownHook(shutdownHook);
            closed.countDown();
            log.info("worker {} stopped", ordo.config().nodeId());
        }
    }
}
