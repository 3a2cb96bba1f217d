package io.ordo.server;

import io.ordo.actions.AgentAction;
import io.ordo.actions.CrawlAction;
import io.ordo.actions.ExecAction;
import io.ordo.actions.GitAction;
import io.ordo.actions.HttpAction;
import io.ordo.actions.MaintenanceAction;
import io.ordo.actions.NetworkPolicy;
import io.ordo.actions.SafeFetch;
import io.ordo.actions.TransformAction;
import io.ordo.actions.WebhookHandler;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.OrdoConfig;
import io.ordo.core.util.Durations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a server is configured. Each setting comes from a flag when given, else from the
 * environment ({@code ORDO_STORE_URL}, {@code ORDO_DATA}, {@code ORDO_HOST}, {@code ORDO_PORT},
 * {@code ORDO_CONCURRENCY}, {@code ORDO_DEFINITIONS}, {@code ORDO_WEBHOOK_SECRET},
 * {@code ORDO_CORS_ORIGINS}, {@code ORDO_INSECURE_OPEN}, {@code ORDO_AUTO_VACUUM}, {@code ORDO_QUEUE_BACKEND},
 * {@code ORDO_LEADER_LEASE}, {@code ORDO_ISOLATE}, {@code ORDO_CAPABILITIES}, {@code ORDO_TYPES}), else from the config file
 * ({@code ORDO_CONFIG}, see {@link ServerConfigFile}), else from the defaults: a SQLite file
 * {@code <data>/ordo.db} under {@code ./data}, 127.0.0.1:8080, 10 concurrent jobs on queue
 * {@code default}, job definitions loaded from {@code ./job-definitions} if that directory exists.
 *
 * <p>API tokens ({@code admin} and {@code read}) from flags, {@code ORDO_ADMIN_TOKEN} /
 * {@code ORDO_READ_TOKEN} (comma-separated for several) and the config file are all accepted.
 * Without any token the API is open to whoever can connect, so the server then refuses to listen
 * on anything but loopback unless {@link #insecureOpen} says otherwise.
 *
 * <p>Setters record flags (null means "not given"); {@link #resolve(Map)} fills the rest.
 */
public final class ServerOptions {
    public static final String DEFAULT_DATA = "data";
    /** Loopback only: exposing the API needs tokens (or {@link #insecureOpen}). */
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    /**
     * A slot is a virtual thread that waits for a claim round trip (a few ms) between jobs, so short
     * jobs run at about slots / that round trip: 10 slots capped a queue of no-op jobs at ~1,600 jobs/s
     * here, 100 gave 5,500–7,400 (README, "Sizing a node").
     */
    public static final int DEFAULT_CONCURRENCY = 100;
    public static final int DEFAULT_MAX_BODY = 1024 * 1024;
    /** Loaded at start-up when it exists and no other directory was given. */
    public static final String DEFAULT_DEFINITIONS = "job-definitions";

    private Path dataDir;
    private String storeUrl;
    private String host;
    private Integer port;
    private Integer concurrency;
    private Duration lease;
    private Duration shutdownGrace;
    private final List<QueueSpec> queues = new ArrayList<>();
    private String nodeId;
    private int maxBodyBytes = DEFAULT_MAX_BODY;
    private Path definitionsDir;
    private boolean definitionsGiven;
    private final List<String> execAllow = new ArrayList<>();
    private io.ordo.server.events.EventRoutes.Settings eventStreams = io.ordo.server.events.EventRoutes.Settings.DEFAULTS;
    private Path configFile;
    private final List<String> adminTokens = new ArrayList<>();
    private final List<String> readTokens = new ArrayList<>();
    private final List<String> corsOrigins = new ArrayList<>();
    private String webhookSecret;
    private Boolean insecureOpen;
    private Boolean autoVacuum;
    private Duration leaderLease;
    private String queueBackend;
    private io.ordo.server.auth.ApiTokens tokens;
    // plugins and the worker's metrics endpoint (ORDO_PLUGINS, ORDO_METRICS_PORT, ORDO_METRICS_HOST)
    private Path pluginsDir;
    private Integer metricsPort;
    private String metricsHost;
    // process isolation (ORDO_ISOLATE): job types run each in a child JVM
    private final List<String> isolate = new ArrayList<>();

    public ServerOptions dataDir(Path dir) { this.dataDir = dir; return this; }
    public ServerOptions storeUrl(String url) { this.storeUrl = url; return this; }
    public ServerOptions host(String host) { this.host = host; return this; }
    public ServerOptions port(Integer port) { this.port = port; return this; }
    public ServerOptions concurrency(Integer n) { this.concurrency = n; return this; }
    public ServerOptions lease(Duration lease) { this.lease = lease; return this; }
    public ServerOptions shutdownGrace(Duration grace) { this.shutdownGrace = grace; return this; }
    public ServerOptions queue(QueueSpec q) { this.queues.add(Objects.requireNonNull(q)); return this; }
    public ServerOptions nodeId(String id) { this.nodeId = id; return this; }
    public ServerOptions maxBodyBytes(int n) { this.maxBodyBytes = n; return this; }
    /** Live event streams (SSE, WebSocket): per-client buffer and keep-alive interval. */
    public ServerOptions eventStreams(io.ordo.server.events.EventRoutes.Settings s) { this.eventStreams = Objects.requireNonNull(s); return this; }
    /** Job definitions to load at start-up (every *.yaml, *.yml, *.toml in it); it must exist. */
    public ServerOptions definitionsDir(Path dir) { this.definitionsDir = dir; this.definitionsGiven = dir != null; return this; }

    /** The config file to read (YAML, TOML or JSON; see {@link ServerConfigFile}). */
    public ServerOptions configFile(Path file) { this.configFile = file; return this; }
    /** Adds API tokens of role {@code admin} (may do everything). */
    public ServerOptions adminTokens(List<String> t) { this.adminTokens.addAll(t); return this; }
    /** Adds API tokens of role {@code read} (may only read). */
    public ServerOptions readTokens(List<String> t) { this.readTokens.addAll(t); return this; }
    /** Origins (e.g. {@code https://ops.example.org}) whose pages may call the API; none by default (no CORS headers). */
    public ServerOptions corsOrigins(List<String> o) { this.corsOrigins.addAll(o); return this; }
    /** The secret webhooks are signed with (default: one generated once and kept in the store). */
    public ServerOptions webhookSecret(String secret) { this.webhookSecret = secret; return this; }
    /** Allows listening on a non-loopback address without API tokens: anyone who can connect may then do anything. */
    public ServerOptions insecureOpen(Boolean on) { this.insecureOpen = on; return this; }
    /** Whether this node takes its turn at the vacuum duty on PostgreSQL (default on; see {@link OrdoConfig#autoVacuum(boolean)}). */
    public ServerOptions autoVacuum(Boolean on) { this.autoVacuum = on; return this; }

    /** The leader lease (see {@link OrdoConfig#leaderLease(Duration)}; default 15 s). */
    public ServerOptions leaderLease(Duration d) { this.leaderLease = d; return this; }
    /** What carries the queue: {@code jdbc} (default), {@code redis://…} or {@code amqp://…} (see {@link OrdoConfig#queueBackend(String)}). */
    public ServerOptions queueBackend(String url) { this.queueBackend = url; return this; }

    /** A directory of plugin jars whose job handlers and step actions the node runs (see {@link Plugins}); it must exist. */
    public ServerOptions pluginsDir(Path dir) { this.pluginsDir = dir; return this; }
    /** {@code ordo worker} only: serve /metrics, /health and /ready on this port (0 picks a free one); null serves nothing. */
    public ServerOptions metricsPort(Integer port) { this.metricsPort = port; return this; }
    /** The address the worker's metrics port binds (default 127.0.0.1). */
    public ServerOptions metricsHost(String host) { this.metricsHost = host; return this; }

    /** Runs every job of these types in a fresh child JVM (see {@link OrdoConfig#isolate}); checked when the node is created. */
    public ServerOptions isolate(List<String> types) { this.isolate.addAll(types); return this; }
    /** The job types run in child JVMs (call {@link #resolve} first for ORDO_ISOLATE). */
    public List<String> isolate() { return List.copyOf(isolate); }

    // ---- capabilities and routing ----
    private List<String> capabilityFlags = List.of();
    private io.ordo.core.model.Capabilities capabilities = io.ordo.core.model.Capabilities.NONE;
    private List<String> types = List.of();

    /** {@code key=value} pairs this node offers to jobs' requirements (checked by {@link #resolve}). */
    public ServerOptions capabilities(List<String> pairs) { this.capabilityFlags = List.copyOf(pairs); return this; }
    /** Claim only these job types (empty: every registered type). */
    public ServerOptions types(List<String> types) { this.types = types.stream().map(String::strip).toList(); return this; }
    public io.ordo.core.model.Capabilities capabilities() { return capabilities; }
    public List<String> types() { return types; }

    private void resolveRouting(Map<String, String> env) {
        String fromEnv = envOr(env, "ORDO_CAPABILITIES", null);
        capabilities = !capabilityFlags.isEmpty() ? io.ordo.core.model.Capabilities.parse(capabilityFlags, "--capability")
                : io.ordo.core.model.Capabilities.parseList(fromEnv, "ORDO_CAPABILITIES");
        if (types.isEmpty()) types = envList(env, "ORDO_TYPES");
        for (String t : types) if (t.isEmpty()) throw new InvalidRequestException("--types: an empty type name");
    }

    /** Fills every setting not given as a flag from {@code env}, then the config file, then the defaults; validates all. */
    public ServerOptions resolve(Map<String, String> env) {
        if (configFile == null && envOr(env, "ORDO_CONFIG", null) != null) configFile = Path.of(envOr(env, "ORDO_CONFIG", null));
        ServerConfigFile file = configFile == null ? ServerConfigFile.EMPTY : ServerConfigFile.read(configFile);
        if (dataDir == null) dataDir = Path.of(envOr(env, "ORDO_DATA", DEFAULT_DATA));
        if (storeUrl == null) storeUrl = envOr(env, "ORDO_STORE_URL", file.storeUrl() != null ? file.storeUrl() : "jdbc:sqlite:" + dataDir.resolve("ordo.db"));
        if (host == null) host = envOr(env, "ORDO_HOST", file.host() != null ? file.host() : DEFAULT_HOST);
        if (port == null) port = envInt(env, "ORDO_PORT", file.port() != null ? file.port() : DEFAULT_PORT);
        if (concurrency == null) concurrency = envInt(env, "ORDO_CONCURRENCY", DEFAULT_CONCURRENCY);
        if (port < 0 || port > 65535) throw new InvalidRequestException("port must be 0-65535 (got " + port + ")");
        if (concurrency < 0) throw new InvalidRequestException("concurrency must be >= 0 (got " + concurrency + ")");
        if (lease != null && lease.toMillis() < 300) throw new InvalidRequestException("lease must be at least 300ms (got " + Durations.format(lease) + ")");
        if (storeUrl.isBlank()) throw new InvalidRequestException("store URL is empty");
        if (autoVacuum == null) autoVacuum = envBool(env, "ORDO_AUTO_VACUUM", true);
        if (leaderLease == null && envOr(env, "ORDO_LEADER_LEASE", null) != null) {
            leaderLease = Durations.parse("ORDO_LEADER_LEASE", envOr(env, "ORDO_LEADER_LEASE", null));
        }
        if (leaderLease != null && leaderLease.toMillis() < 1000) {
            throw new InvalidRequestException("leader lease must be at least 1s (got " + Durations.format(leaderLease) + ")");
        }
        if (queueBackend == null) queueBackend = envOr(env, "ORDO_QUEUE_BACKEND", io.ordo.core.queue.QueueBackends.JDBC);
        queueBackend = io.ordo.core.queue.QueueBackends.check(queueBackend);
        if (maxBodyBytes < 1024) throw new InvalidRequestException("max body size must be at least 1 KiB");
        resolveRouting(env);
        if (definitionsDir == null) {
            String fromEnv = envOr(env, "ORDO_DEFINITIONS", null);
            if (fromEnv != null) {
                definitionsDir = Path.of(fromEnv);
                definitionsGiven = true;
            }
        }
        if (definitionsGiven && !java.nio.file.Files.isDirectory(definitionsDir)) {
            throw new InvalidRequestException("job definitions directory " + definitionsDir + " does not exist or is not a directory");
        }
        if (!definitionsGiven) {
            Path fallback = Path.of(DEFAULT_DEFINITIONS);
            definitionsDir = java.nio.file.Files.isDirectory(fallback) ? fallback : null;
        }
        resolveAccess(env, file);
        resolvePluginsAndMetrics(env, file);
        if (isolate.isEmpty()) isolate.addAll(envList(env, "ORDO_ISOLATE"));
        return this;
    }

    private void resolvePluginsAndMetrics(Map<String, String> env, ServerConfigFile file) {
        if (pluginsDir == null && envOr(env, "ORDO_PLUGINS", file.plugins()) != null) pluginsDir = Path.of(envOr(env, "ORDO_PLUGINS", file.plugins()));
        if (pluginsDir != null && !java.nio.file.Files.exists(pluginsDir)) {
            throw new InvalidRequestException("plugins directory " + pluginsDir + " does not exist");
        }
        if (pluginsDir != null && !java.nio.file.Files.isDirectory(pluginsDir)) {
            throw new InvalidRequestException("plugins directory " + pluginsDir + " is not a directory");
        }
        if (metricsPort == null && envOr(env, "ORDO_METRICS_PORT", null) != null) metricsPort = envInt(env, "ORDO_METRICS_PORT", 0);
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new InvalidRequestException("metrics port must be 0-65535 (got " + metricsPort + ")");
        }
        if (metricsHost == null) metricsHost = envOr(env, "ORDO_METRICS_HOST", DEFAULT_HOST);
    }

    private void resolveAccess(Map<String, String> env, ServerConfigFile file) {
        List<String> admins = new ArrayList<>(adminTokens);
        admins.addAll(envList(env, "ORDO_ADMIN_TOKEN"));
        admins.addAll(file.adminTokens());
        List<String> readers = new ArrayList<>(readTokens);
        readers.addAll(envList(env, "ORDO_READ_TOKEN"));
        readers.addAll(file.readTokens());
        tokens = io.ordo.server.auth.ApiTokens.of(admins, readers);
        if (corsOrigins.isEmpty()) corsOrigins.addAll(envList(env, "ORDO_CORS_ORIGINS"));
        if (corsOrigins.isEmpty()) corsOrigins.addAll(file.corsOrigins());
        for (String o : corsOrigins) {
            if (!o.matches("https?://[^/\\s?#]+")) {
                throw new InvalidRequestException("CORS origin '" + o + "' must be scheme://host[:port], e.g. https://ops.example.org");
            }
        }
        if (webhookSecret == null) webhookSecret = envOr(env, "ORDO_WEBHOOK_SECRET", file.webhookSecret());
        if (webhookSecret != null && webhookSecret.length() < 16) throw new InvalidRequestException("webhook secret: at least 16 characters");
        if (insecureOpen == null) {
            String v = envOr(env, "ORDO_INSECURE_OPEN", null);
            insecureOpen = v != null ? Boolean.parseBoolean(v) : Boolean.TRUE.equals(file.insecureOpen());
        }
        if (!tokens.enabled() && !insecureOpen && !isLoopback(host)) {
            throw new InvalidRequestException("refusing to listen on " + host + " without API tokens: anyone who can connect could run"
                    + " and delete jobs. Set ORDO_ADMIN_TOKEN (or --admin-token, or admin_tokens in the config file), listen on"
                    + " 127.0.0.1, or pass --insecure-open if the network is trusted");
        }
    }

    /** Whether {@code host} means this machine only (every address it names is a loopback address). */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.isBlank()) return false; // Jetty binds every interface for an empty host
        try {
            java.net.InetAddress[] all = java.net.InetAddress.getAllByName(h);
            for (java.net.InetAddress a : all) if (!a.isLoopbackAddress()) return false;
            return all.length > 0;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static List<String> envList(Map<String, String> env, String name) {
        String v = envOr(env, name, null);
        if (v == null) return List.of();
        return java.util.Arrays.stream(v.split(",")).map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    private static String envOr(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static boolean envBool(Map<String, String> env, String name, boolean fallback) {
        String v = envOr(env, name, null);
        if (v == null) return fallback;
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) return Boolean.parseBoolean(v);
        throw new InvalidRequestException(name + ": '" + v + "' is not true or false");
    }

    private static int envInt(Map<String, String> env, String name, int fallback) {
        String v = envOr(env, name, null);
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(name + ": '" + v + "' is not a whole number");
        }
    }

    /** The engine configuration these options describe (call {@link #resolve} first), without the webhook handler. */
    public OrdoConfig toOrdoConfig() {
        return toOrdoConfig(null);
    }

    /**
     * The engine configuration; with {@code secretSource} (read when a delivery runs, e.g. from
     * {@code Ordo::webhookSecret}) it also runs webhook deliveries, through the same network policy
     * as the http action.
     */
    public OrdoConfig toOrdoConfig(java.util.function.Supplier<String> secretSource) {
        if (storeUrl == null) throw new IllegalStateException("resolve() the options first");
        // the dashboard and `--wait` show a job as running when it starts, on whichever node runs it
        OrdoConfig config = OrdoConfig.defaults().storeUrl(storeUrl);
        if (nodeId != null) config.nodeId(nodeId);
        // `default` is always served so that jobs submitted without a queue run here;
        // an explicit --queue default=... overrides --concurrency.
        Map<String, QueueSpec> byName = new LinkedHashMap<>();
        byName.put("default", new QueueSpec("default", concurrency, null));
        queues.forEach(q -> byName.put(q.name(), q));
        byName.values().forEach(q -> config.queue(q.name(), q.concurrency(), q.capacity()));
        if (lease != null) config.lease(lease, lease.dividedBy(3));
        if (shutdownGrace != null) config.shutdownGrace(shutdownGrace);
        if (webhookSecret != null) config.webhookSecret(webhookSecret);
        config.autoVacuum(autoVacuum == null || autoVacuum);
        if (leaderLease != null) config.leaderLease(leaderLease);
        if (queueBackend != null) config.queueBackend(queueBackend);
        config.isolate(isolate.toArray(String[]::new));
        config.capabilities(capabilities.asMap()).types(types);
        SafeFetch fetch = new SafeFetch(networkPolicy());
        registerActions(config, fetch);
        if (secretSource != null) config.handler(new WebhookHandler(fetch, secretSource));
        return config;
    }

    /** Where http, crawl and webhook requests may connect: link-local and cloud-metadata addresses are refused. */
    public NetworkPolicy networkPolicy() {
        return NetworkPolicy.defaults();
    }

    // ==== STEP ACTIONS ==========================================================================
    // The one place where the server adds step actions to the node's OrdoConfig. The engine brings
    // noop, sleep and fail itself (OrdoConfig.builtinHandlers). The built-in actions of the
    // ordo-actions module (http, crawl, transform, exec, agent, git, maintenance) are registered here, e.g.
    //     config.action(new HttpAction(...));
    // and any settings they need (the exec allow-list, the http deny-list) become fields of these
    // options. `ordo definitions validate --local` validates against the same set.
    // ===========================================================================================
    private void registerActions(OrdoConfig config, SafeFetch fetch) {
        // http and crawl share one fetcher (and one network policy)
        config.action(new HttpAction(fetch));
        config.action(new CrawlAction(fetch));
        config.action(new TransformAction());
        config.action(execAllow.isEmpty() ? ExecAction.disabled() : ExecAction.allowing(execAllow));
        // the agent's endpoint is held to the same policy as http; git runs the commands exec may run,
        // and checks https/ssh hosts against the policy (file:// stays off on a server)
        config.action(new AgentAction(fetch));
        config.action((execAllow.isEmpty() ? GitAction.disabled() : GitAction.allowing(execAllow)).networkPolicy(fetch.policy()));
        config.action(new MaintenanceAction());
    }

    /** Executables the {@code exec} and {@code git} actions may run (none by default: both are disabled). */
    public ServerOptions allowExec(List<String> executables) {
        this.execAllow.clear();
        this.execAllow.addAll(executables);
        return this;
    }

    public List<String> execAllow() {
        return List.copyOf(execAllow);
    }

    public Path dataDir() { return dataDir; }
    public String storeUrl() { return storeUrl; }
    public String host() { return host; }
    public int port() { return port; }
    public int concurrency() { return concurrency; }
    public Duration lease() { return lease; }
    public Duration shutdownGrace() { return shutdownGrace; }
    public List<QueueSpec> queues() { return List.copyOf(queues); }
    public int maxBodyBytes() { return maxBodyBytes; }
    public io.ordo.server.events.EventRoutes.Settings eventStreams() { return eventStreams; }
    /** The job definitions directory to load at start-up, or null for none (call {@link #resolve} first). */
    public Path definitionsDir() { return definitionsDir; }
    /** The API tokens from every source (call {@link #resolve} first); none means the API is open. */
    public io.ordo.server.auth.ApiTokens tokens() { return tokens == null ? io.ordo.server.auth.ApiTokens.none() : tokens; }
    public List<String> corsOrigins() { return List.copyOf(corsOrigins); }
    public boolean insecureOpen() { return Boolean.TRUE.equals(insecureOpen); }
    public boolean autoVacuum() { return autoVacuum == null || autoVacuum; }
    public Path configFile() { return configFile; }
    public String queueBackend() { return queueBackend; }
    /** The plugins directory, or null for none (call {@link #resolve} first). */
    public Path pluginsDir() { return pluginsDir; }
    /** The worker's metrics port, or null when it serves none. */
    public Integer metricsPort() { return metricsPort; }
    public String metricsHost() { return metricsHost == null ? DEFAULT_HOST : metricsHost; }
}
