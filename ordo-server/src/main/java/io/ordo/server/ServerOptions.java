package io.ordo.server;

import io.ordo.actions.CrawlAction;
import io.ordo.actions.ExecAction;
import io.ordo.actions.HttpAction;
import io.ordo.actions.MaintenanceAction;
import io.ordo.actions.NetworkPolicy;
import io.ordo.actions.SafeFetch;
import io.ordo.actions.TransformAction;
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
 * {@code ORDO_CONCURRENCY}, {@code ORDO_DEFINITIONS}), else from the defaults: a SQLite file
 * {@code <data>/ordo.db} under {@code ./data}, 127.0.0.1:8080, 10 concurrent jobs on queue
 * {@code default}, job definitions loaded from {@code ./job-definitions} if that directory exists.
 *
 * <p>Setters record flags (null means "not given"); {@link #resolve(Map)} fills the rest.
 */
public final class ServerOptions {
    public static final String DEFAULT_DATA = "data";
    /** Loopback only: the API has no authentication yet, so it is not exposed unless asked for. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_CONCURRENCY = 10;
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

    /** Fills every setting not given as a flag from {@code env}, then from the defaults; validates all. */
    public ServerOptions resolve(Map<String, String> env) {
        if (dataDir == null) dataDir = Path.of(envOr(env, "ORDO_DATA", DEFAULT_DATA));
        if (storeUrl == null) storeUrl = envOr(env, "ORDO_STORE_URL", "jdbc:sqlite:" + dataDir.resolve("ordo.db"));
        if (host == null) host = envOr(env, "ORDO_HOST", DEFAULT_HOST);
        if (port == null) port = envInt(env, "ORDO_PORT", DEFAULT_PORT);
        if (concurrency == null) concurrency = envInt(env, "ORDO_CONCURRENCY", DEFAULT_CONCURRENCY);
        if (port < 0 || port > 65535) throw new InvalidRequestException("port must be 0-65535 (got " + port + ")");
        if (concurrency < 0) throw new InvalidRequestException("concurrency must be >= 0 (got " + concurrency + ")");
        if (lease != null && lease.toMillis() < 300) throw new InvalidRequestException("lease must be at least 300ms (got " + Durations.format(lease) + ")");
        if (storeUrl.isBlank()) throw new InvalidRequestException("store URL is empty");
        if (maxBodyBytes < 1024) throw new InvalidRequestException("max body size must be at least 1 KiB");
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
        return this;
    }

    private static String envOr(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.trim();
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

    /** The engine configuration these options describe (call {@link #resolve} first). */
    public OrdoConfig toOrdoConfig() {
        if (storeUrl == null) throw new IllegalStateException("resolve() the options first");
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
        registerActions(config);
        return config;
    }

    // ==== STEP ACTIONS ==========================================================================
    // The one place where the server adds step actions to the node's OrdoConfig. The engine brings
    // noop, sleep and fail itself (OrdoConfig.builtinHandlers). The built-in actions of the
    // ordo-actions module (http, crawl, transform, exec, maintenance) are registered here, e.g.
    //     config.action(new HttpAction(...));
    // and any settings they need (the exec allow-list, the http deny-list) become fields of these
    // options. `ordo definitions validate --local` validates against the same set.
    // ===========================================================================================
    private void registerActions(OrdoConfig config) {
        // http and crawl share one fetcher: link-local and cloud-metadata addresses are refused
        SafeFetch fetch = new SafeFetch(NetworkPolicy.defaults());
        config.action(new HttpAction(fetch));
        config.action(new CrawlAction(fetch));
        config.action(new TransformAction());
        config.action(execAllow.isEmpty() ? ExecAction.disabled() : ExecAction.allowing(execAllow));
        config.action(new MaintenanceAction());
    }

    /** Executables the {@code exec} action may run (none by default: exec is disabled). */
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
}
