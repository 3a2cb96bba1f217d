package io.ordo.server.cli;

import io.ordo.core.OrdoException;
import io.ordo.server.QueueSpec;
import io.ordo.server.ServerOptions;
import io.ordo.server.WorkerNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ordo worker}: runs jobs from a shared store without the HTTP API, until stopped (Ctrl-C / SIGTERM). */
@Command(name = "worker", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run a worker node: claims and runs jobs from the store that servers and other workers share; no HTTP API.",
                "Stops gracefully on Ctrl-C / SIGTERM. Flags override the environment (ORDO_STORE_URL, ORDO_DATA, ORDO_CONCURRENCY)."})
final class WorkerCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory of the default SQLite store (default: ./data)")
    Path data;

    @Option(names = "--store", paramLabel = "URL", description = "Store URL: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB (default: SQLite file <data>/ordo.db)")
    String store;

    @Option(names = "--concurrency", paramLabel = "N", description = "Jobs run at once on queue 'default' (default: 10)")
    Integer concurrency;

    @Option(names = "--queue", paramLabel = "NAME=N[:CAP]", description = "Also serve queue NAME with N concurrent jobs (repeatable)")
    List<String> queues = new ArrayList<>();

    @Option(names = "--lease", paramLabel = "DUR", description = "Lease of a running job without heartbeat (default: 30s)")
    String lease;

    @Option(names = "--shutdown-grace", paramLabel = "DUR", description = "On shutdown, how long running jobs may finish before they are handed back (default: 10s)")
    String shutdownGrace;

    @Option(names = "--node-id", paramLabel = "ID", description = "This node's id (default: host-pid-random)")
    String nodeId;

    @Option(names = "--allow-exec", paramLabel = "EXECUTABLE", description = "Let the exec step action run this executable (repeatable)")
    List<String> allowExec = new ArrayList<>();

    WorkerCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        // a worker listens on nothing: ORDO_HOST (set for the servers beside it) must not make it
        // refuse to start for want of API tokens
        ServerOptions options = new ServerOptions().dataDir(data).storeUrl(store).host(ServerOptions.DEFAULT_HOST)
                .concurrency(concurrency).nodeId(nodeId).allowExec(allowExec);
        if (lease != null) options.lease(SubmitCommand.duration("--lease", lease));
        if (shutdownGrace != null) options.shutdownGrace(SubmitCommand.duration("--shutdown-grace", shutdownGrace));
        try {
            queues.forEach(q -> options.queue(QueueSpec.parse(q)));
            options.resolve(ctx.env());
        } catch (OrdoException e) {
            throw CliException.usage(e.getMessage());
        }
        if (options.storeUrl().toLowerCase(java.util.Locale.ROOT).startsWith("memory:")) {
            throw CliException.usage("--store memory: is private to one process; a worker needs a store a server can share (SQLite file or PostgreSQL)");
        }
        WorkerNode worker;
        try {
            worker = WorkerNode.start(options);
        } catch (OrdoException e) {
            throw CliException.usage(e.getMessage());
        } catch (RuntimeException e) {
            throw CliException.failed("cannot open the store " + io.ordo.server.StoreUrls.describe(options.storeUrl()) + ": " + e.getMessage());
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
