package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.util.Json;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** An {@code ordo server} in a child JVM (for crash tests), and JSON over HTTP to it. */
final class ServerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final int port = freePort();
    final String url = "http://127.0.0.1:" + port;
    private final List<String> args;
    private final String readyMarker;
    private final List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
    private Process process;

    ServerProcess(String storeUrl, String... extra) {
        args = new ArrayList<>(List.of("server", "--store", storeUrl, "--port", String.valueOf(port), "--lease", "2s", "--leader-lease", "3s", "--concurrency", "8"));
        args.addAll(List.of(extra));
        readyMarker = "Ordo ready at";
    }

    private ServerProcess(List<String> args, String readyMarker) {
        this.args = new ArrayList<>(args);
        this.readyMarker = readyMarker;
    }

    /** An {@code ordo worker} (no HTTP API: only start, kill and its output). */
    static ServerProcess worker(String storeUrl, String... extra) {
        List<String> args = new ArrayList<>(List.of("worker", "--store", storeUrl, "--lease", "2s", "--leader-lease", "3s", "--concurrency", "8"));
        args.addAll(List.of(extra));
        return new ServerProcess(args, "Ordo worker");
    }

    /** What the process printed so far (for failure messages). */
    String output() {
        synchronized (output) {
            return String.join("\n", output.subList(Math.max(0, output.size() - 60), output.size()));
        }
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    ServerProcess start() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "io.ordo.server.cli.Main"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        process = p;
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    if (line.contains(readyMarker)) ready.complete(null);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
            ready.completeExceptionally(new IllegalStateException("server exited before it was ready"));
        });
        ready.get(60, TimeUnit.SECONDS);
        return this;
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the process to end by itself (e.g. stopped by an order); its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("the process ended within " + timeout + "\n" + output()).isTrue();
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, running jobs keep their leases until they expire. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    JsonNode get(String path) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + path)).GET().build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body());
    }

    JsonNode post(String path, String body, int expectedStatus) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expectedStatus);
        return Json.parse(r.body());
    }

    private static HttpResponse<String> send(HttpRequest req) {
        try {
            return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean terminal(JsonNode job) {
        return List.of("completed", "failed", "cancelled", "skipped").contains(job.path("status").asText());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Submits {@code n} copies of {@code job} in one batch; returns their ids. */
    List<String> submitBatch(String job, int n) {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < n; i++) body.append(i == 0 ? "" : ",").append(job);
        body.append("]}");
        List<String> ids = new ArrayList<>();
        for (JsonNode j : post("/api/jobs/batch", body.toString(), 202).path("jobs")) ids.add(j.path("job_id").asText());
        assertThat(ids).hasSize(n);
        return ids;
    }

    /** The terminal statuses each job's job_status_change events report, read from the store's event log. */
    static java.util.Map<String, List<String>> terminalEvents(String storeUrl) throws java.sql.SQLException {
        String status = storeUrl.startsWith("jdbc:sqlite:") ? "json_extract(payload, '$.status')" : "payload ->> 'status'";
        java.util.Map<String, List<String>> out = new java.util.HashMap<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(storeUrl); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT job_id, " + status + " FROM ordo_events WHERE type = 'job_status_change' AND "
                     + status + " IN ('completed', 'failed', 'cancelled', 'skipped') ORDER BY id")) {
            while (rs.next()) out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
        return out;
    }

    @Override
    public void close() {
        if (process != null) process.destroyForcibly();
    }
}
