package io.ordo.server.cli;

import io.ordo.core.OrdoException;
import io.ordo.server.ServerOptions;
import io.ordo.server.WorkerNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code ordo worker}: runs jobs from a shared store without the HTTP API, until stopped (Ctrl-C / SIGTERM). */
@Command(name = "worker", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run a worker node: claims and runs jobs from the store that servers and other workers share; no HTTP API.",
                "Stops gracefully on Ctrl-C / SIGTERM. Flags override the environment (ORDO_STORE_URL, ORDO_DATA, ORDO_CONCURRENCY,",
                "ORDO_AUTO_VACUUM, ORDO_QUEUE_BACKEND, ORDO_PLUGINS, ORDO_METRICS_PORT, ORDO_METRICS_HOST)."})
final class WorkerCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    NodeFlags node = new NodeFlags();

    @Option(names = "--metrics-port", paramLabel = "P",
            description = "Serve /metrics (Prometheus), /health and /ready on this port (0 picks a free one; default: none, the worker listens on nothing)")
    Integer metricsPort;

    @Option(names = "--metrics-host", paramLabel = "HOST",
            description = "Address the metrics port binds (default: 127.0.0.1; these endpoints take no token)")
    String metricsHost;

    WorkerCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        // a worker has no API (at most a metrics port): ORDO_HOST (set for the servers beside it)
        // must not make it refuse to start for want of API tokens
        ServerOptions options = node.options().host(ServerOptions.DEFAULT_HOST).metricsPort(metricsPort).metricsHost(metricsHost);
        try {
            options.resolve(ctx.env());
        } catch (OrdoException e) {
            throw CliException.usage(e.getMessage());
        }
        if (io.ordo.server.StoreUrls.inMemory(options.storeUrl())) {
            throw CliException.usage("--store memory: is private to one process; a worker needs a store a server can share (SQLite file or PostgreSQL)");
        }
        WorkerNode worker;
        try {
            worker = WorkerNode.start(options);
        } catch (io.ordo.core.queue.TransportUnavailableException | WorkerNode.EndpointsUnavailableException e) {
            throw CliException.failed(e.getMessage());
        } catch (OrdoException e) {
            throw CliException.usage(e.getMessage());
        } catch (RuntimeException e) {
            throw ServerCommand.storeFailure(options, e);
        }
        worker.installShutdownHook();
        ctx.out().println(worker.readyLine());
        ctx.out().flush();
        try {
            worker.awaitClose();
        } catch (InterruptedException e) {
            worker.close();
        }
        return Main.OK;
    }
}
