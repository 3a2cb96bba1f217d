package io.ordo.server.cli;

import io.ordo.core.OrdoException;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ordo server}: runs a node with workers and the HTTP API until stopped (Ctrl-C / SIGTERM). */
@Command(name = "server", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Run an Ordo node: workers plus the HTTP API. Stops gracefully on Ctrl-C / SIGTERM.",
                "Flags override the environment (ORDO_STORE_URL, ORDO_DATA, ORDO_HOST, ORDO_PORT, ORDO_CONCURRENCY, ORDO_DEFINITIONS,",
                "ORDO_ADMIN_TOKEN, ORDO_READ_TOKEN, ORDO_WEBHOOK_SECRET, ORDO_CORS_ORIGINS, ORDO_INSECURE_OPEN, ORDO_AUTO_VACUUM, ORDO_QUEUE_BACKEND,",
                "ORDO_CONFIG), which overrides the config file.",
                "Without API tokens the server listens on 127.0.0.1 only."})
final class ServerCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    NodeFlags node = new NodeFlags();

    @Option(names = "--host", paramLabel = "HOST", description = "Address to bind (default: 127.0.0.1; 0.0.0.0 for all interfaces)")
    String host;

    @Option(names = "--port", paramLabel = "P", description = "HTTP port (default: 8080; 0 picks a free one)")
    Integer port;

    @Option(names = "--definitions", paramLabel = "DIR",
            description = "Apply the job definitions in DIR (*.yaml, *.yml, *.toml) at start-up; invalid files are logged and skipped (default: ./job-definitions if it exists)")
    Path definitions;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (YAML, TOML or JSON): host, port, store_url, admin_tokens, read_tokens, cors_origins, webhook_secret, insecure_open, plugins")
    Path config;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "Accept this API token with role admin (repeatable; prefer ORDO_ADMIN_TOKEN or the config file: flags show in ps)")
    List<String> adminTokens = new ArrayList<>();

    @Option(names = "--read-token", paramLabel = "TOKEN", description = "Accept this API token with role read: GET only (repeatable)")
    List<String> readTokens = new ArrayList<>();

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "Let pages from ORIGIN (e.g. https://ops.example.org) call the API (repeatable; default: no CORS)")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--insecure-open",
            description = "Allow a non-loopback --host without API tokens: anyone who can connect may run and delete jobs")
    boolean insecureOpen;

    ServerCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ServerOptions options = node.options().host(host).port(port).definitionsDir(definitions)
                .configFile(config).adminTokens(adminTokens).readTokens(readTokens).corsOrigins(corsOrigins)
                .insecureOpen(insecureOpen ? Boolean.TRUE : null);
        try {
            options.resolve(ctx.env());
        } catch (OrdoException e) {
            throw CliException.usage(e.getMessage());
        }
        OrdoServer server = open(options);
        server.installShutdownHook();
        ctx.out().println(server.readyLine());
        if (server.definitionsLoaded() != null) ctx.out().println("Job definitions: " + server.definitionsLoaded().summary());
        ctx.out().flush();
        try {
            server.awaitClose();
        } catch (InterruptedException e) {
            // embedded use (tests): interrupting the command stops the server like a SIGTERM
            server.close();
        }
        return Main.OK;
    }

    private static OrdoServer open(ServerOptions options) {
        OrdoServer server;
        try {
            server = OrdoServer.create(options);
        } catch (io.ordo.core.queue.TransportUnavailableException e) {
            throw CliException.failed(e.getMessage());
        } catch (OrdoException e) {
            throw CliException.usage(e.getMessage());
        } catch (RuntimeException e) {
            throw storeFailure(options, e);
        }
        try {
            return server.start();
        } catch (RuntimeException e) {
            if (hasCause(e, BindException.class)) {
                throw CliException.failed("cannot listen on " + options.host() + ":" + options.port() + ": the port is in use (choose another with --port)");
            }
            throw CliException.failed("cannot start the server: " + rootMessage(e));
        }
    }

    /** A store that cannot be opened, in one line naming it (without credentials) and the root cause. */
    static CliException storeFailure(ServerOptions options, RuntimeException e) {
        return CliException.failed("cannot open the store " + io.ordo.server.StoreUrls.describe(options.storeUrl()) + ": " + rootMessage(e));
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) if (type.isInstance(c)) return true;
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
