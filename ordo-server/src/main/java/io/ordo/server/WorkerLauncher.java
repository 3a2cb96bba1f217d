package io.ordo.server;

import io.ordo.core.ConflictException;
import io.ordo.core.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Launches worker processes ({@code ordo worker}) on this machine against this server's store — the
 * seeds' {@code launch_worker}. Each child runs the same jar and classpath with the same store URL,
 * exec allow-list and plugins directory, writes its output to {@code <data>/workers/<node>.log}, and is stopped gracefully
 * (SIGTERM, then killed after the shutdown grace) when this server closes. Nothing is launched for an
 * in-memory store, which no other process can reach.
 */
public final class WorkerLauncher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerLauncher.class);
    public static final int MAX_WORKERS = 16;

    /** A launched worker process. */
    public record Launched(String nodeId, long pid, Path log, Process process) {
    }

    private final ServerOptions options;
    private final List<Launched> launched = new ArrayList<>();
    private boolean closed;

    public WorkerLauncher(ServerOptions options) {
        this.options = options;
    }

    /** Starts one worker process serving {@code queues} (the {@code default} queue with {@code concurrency} slots besides). */
    public Launched launch(int concurrency, List<QueueSpec> queues) {
        return launch(concurrency, queues, java.util.Map.of());
    }

    /** Like {@link #launch(int, List)}, the worker declaring {@code capabilities} ({@code --capability k=v} each). */
    public synchronized Launched launch(int concurrency, List<QueueSpec> queues, java.util.Map<String, String> capabilities) {
        if (closed) throw new ConflictException("the server is shutting down");
        if (StoreUrls.inMemory(options.storeUrl())) {
            throw new ConflictException("this server's store is in memory: a worker process cannot reach it (use a SQLite file or PostgreSQL)");
        }
        if (concurrency < 1 || concurrency > 1000) throw new InvalidRequestException("concurrency must be between 1 and 1000 (got " + concurrency + ")");
        launched.removeIf(l -> !l.process().isAlive());
        if (launched.size() >= MAX_WORKERS) {
            throw new ConflictException(MAX_WORKERS + " launched workers are running already; stop one first");
        }
        String nodeId = "worker-" + ProcessHandle.current().pid() + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24));
        List<String> cmd = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"), "io.ordo.server.cli.Main",
                "worker", "--store", options.storeUrl(), "--node-id", nodeId, "--concurrency", Integer.toString(concurrency)));
        queues.forEach(q -> cmd.addAll(List.of("--queue", q.toString())));
        cmd.addAll(capabilityFlags(capabilities));
        if (options.lease() != null) cmd.addAll(List.of("--lease", options.lease().toMillis() + "ms"));
        if (options.shutdownGrace() != null) cmd.addAll(List.of("--shutdown-grace", options.shutdownGrace().toMillis() + "ms"));
        options.execAllow().forEach(e -> cmd.addAll(List.of("--allow-exec", e)));
        // the child runs the same job types as this server, its plugins included
        if (options.pluginsDir() != null) cmd.addAll(List.of("--plugins", options.pluginsDir().toAbsolutePath().toString()));
        Path logFile = logDir().resolve(nodeId + ".log");
        try {
            Files.createDirectories(logFile.getParent());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
            Launched l = new Launched(nodeId, p.pid(), logFile, p);
            launched.add(l);
            log.info("launched worker {} (pid {}), output in {}", nodeId, p.pid(), logFile);
            return l;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a worker process: " + e.getMessage(), e);
        }
    }

    /** {@code --capability k=v} for each capability, in key order. */
    static List<String> capabilityFlags(java.util.Map<String, String> capabilities) {
        List<String> out = new ArrayList<>();
        new java.util.TreeMap<>(capabilities).forEach((k, v) -> out.addAll(List.of("--capability", k + "=" + v)));
        return out;
    }

    public synchronized List<Launched> running() {
        return launched.stream().filter(l -> l.process().isAlive()).toList();
    }

    private Path logDir() {
        Path data = options.dataDir() != null ? options.dataDir() : Path.of("data");
        return data.resolve("workers");
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Stops every launched worker: SIGTERM (they hand running jobs back), then a kill after the grace period. */
    @Override
    public void close() {
        List<Launched> toStop;
        synchronized (this) {
            closed = true;
            toStop = List.copyOf(launched);
        }
        toStop.forEach(l -> l.process().destroy());
        Duration grace = (options.shutdownGrace() != null ? options.shutdownGrace() : Duration.ofSeconds(10)).plusSeconds(5);
        long deadline = System.nanoTime() + grace.toNanos();
        for (Launched l : toStop) {
            try {
                if (!l.process().waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    log.warn("worker {} did not stop within {}: killing it", l.nodeId(), grace);
                    l.process().destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                l.process().destroyForcibly();
            }
        }
    }
}
