package io.ordo.server.cli;

import io.ordo.core.OrdoException;
import io.ordo.server.ServerOptions;
import io.ordo.server.WorkerNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code ordo worker}: runs jobs from a shared store without the HTTP API, until stopped (Ctrl-C / SIGTERM). */
@Command(name = "worker", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run a worker node: claims and runs jobs from the store that servers and other workers share; no HTTP API.",
                "Stops gracefully on Ctrl-C / SIGTERM. Flags override the environment (ORDO_STORE_URL, ORDO_DATA, ORDO_CONCURRENCY,",
                "ORDO_AUTO_VACUUM, ORDO_QUEUE_BACKEND)."})
final class WorkerCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    NodeFlags node = new NodeFlags();

    WorkerCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        // a worker listens on nothing: ORDO_HOST (set for the servers beside it) must not make it
        // refuse to start for want of API tokens
        ServerOptions options = node.options().host(ServerOptions.DEFAULT_HOST);
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
        } catch (io.ordo.core.queue.TransportUnavailableException e) {
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
