package io.ordo.server.cli;

import io.ordo.core.OrdoException;
import io.ordo.server.QueueSpec;
import io.ordo.server.ServerOptions;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The flags of a node that runs jobs, shared by {@code ordo server} and {@code ordo worker} (a picocli mixin). */
final class NodeFlags {
    @Option(names = "--data", paramLabel = "DIR", description = "Data directory for the default SQLite store (default: ./data)")
    Path data;

    @Option(names = "--store", paramLabel = "URL", description = "Store URL: jdbc:sqlite:FILE, jdbc:postgresql://HOST/DB or memory: (default: SQLite file <data>/ordo.db)")
    String store;

    @Option(names = "--concurrency", paramLabel = "N", description = "Jobs run at once on queue 'default' (default: 100)")
    Integer concurrency;

    @Option(names = "--queue", paramLabel = "NAME=N[:CAP]", description = "Also serve queue NAME with N concurrent jobs and at most CAP waiting (repeatable)")
    List<String> queues = new ArrayList<>();

    @Option(names = "--lease", paramLabel = "DUR", description = "Lease of a running job without heartbeat (default: 30s, heartbeat every 5s); with this flag, heartbeats every lease/3")
    String lease;

    @Option(names = "--shutdown-grace", paramLabel = "DUR", description = "On shutdown, how long running jobs may finish before they are handed back (default: 10s)")
    String shutdownGrace;

    @Option(names = "--node-id", paramLabel = "ID", description = "This node's id (default: host-pid-random)")
    String nodeId;

    @Option(names = "--allow-exec", paramLabel = "EXECUTABLE",
            description = "Let the exec and git step actions run this executable (repeatable; both are disabled without it)")
    List<String> allowExec = new ArrayList<>();

    @Option(names = "--auto-vacuum", paramLabel = "true|false", arity = "1",
            description = "Take a turn at vacuuming Ordo's hot PostgreSQL tables when their dead rows pile up (default: true)")
    Boolean autoVacuum;

    @Option(names = "--leader-lease", paramLabel = "DUR",
            description = "Leader lease: one node runs the cluster-wide duties; another takes over this long after it goes silent (default: 15s)")
    String leaderLease;

    @Option(names = "--queue-backend", paramLabel = "URL",
            description = "What carries the queue: jdbc (the store's jobs table, default), redis://HOST:PORT or amqp://USER:PASS@HOST:PORT/VHOST")
    String queueBackend;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Load every *.jar in DIR and run the job handlers and step actions they declare in META-INF/services (default: $ORDO_PLUGINS)")
    Path plugins;

    @Option(names = "--isolate", paramLabel = "TYPE",
            description = "Run every job of TYPE in a fresh child JVM (repeatable; default: $ORDO_ISOLATE, comma-separated)")
    List<String> isolate = new ArrayList<>();

    // ---- capabilities and routing ----
    @Option(names = "--capability", paramLabel = "KEY=VALUE",
            description = "What this node offers to jobs' requirements, e.g. gpu=1 or class=io (repeatable, at most 8; env ORDO_CAPABILITIES=gpu=1,class=io)")
    List<String> capabilities = new ArrayList<>();

    @Option(names = "--types", paramLabel = "TYPE[,TYPE...]", split = ",",
            description = "Claim only jobs of these types (default: every registered type; env ORDO_TYPES)")
    List<String> types = new ArrayList<>();

    /** Options with these flags set (the caller adds its own, then resolves). Bad values are usage errors. */
    ServerOptions options() {
        ServerOptions options = new ServerOptions().dataDir(data).storeUrl(store).concurrency(concurrency).nodeId(nodeId)
                .allowExec(allowExec).autoVacuum(autoVacuum).queueBackend(queueBackend)
                .pluginsDir(plugins).isolate(isolate)
                .capabilities(capabilities).types(types);
        if (lease != null) options.lease(SubmitCommand.duration("--lease", lease));
        if (shutdownGrace != null) options.shutdownGrace(SubmitCommand.duration("--shutdown-grace", shutdownGrace));
        if (leaderLease != null) options.leaderLease(SubmitCommand.duration("--leader-lease", leaderLease));
        try {
            queues.forEach(q -> options.queue(QueueSpec.parse(q)));
        } catch (OrdoException e) {
            throw CliException.usage(e.getMessage());
        }
        return options;
    }
}
