package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Guarantee 1 and 3 with a real process: a server is killed with SIGKILL while jobs run, started
 * again on the same store, and every job still reaches a terminal state; the attempts the kill
 * interrupted are in the jobs' attempt history.
 */
class CrashRecoveryTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void sqliteServerKilledMidRunLosesNothing(@TempDir Path dir) throws Exception {
        crashAndRecover("jdbc:sqlite:" + dir.resolve("crash.db"));
    }

    @Test
    void postgresServerKilledMidRunLosesNothing() throws Exception {
        String base = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
        String schema = "crash_" + Long.toHexString(System.nanoTime());
        try {
            crashAndRecover(base + "?user=postgres&currentSchema=" + schema);
        } finally {
            try (Connection c = DriverManager.getConnection(base, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private void crashAndRecover(String storeUrl) throws Exception {
        int port = freePort();
        String server = "http://127.0.0.1:" + port;
        Process first = startServer(storeUrl, port);

        List<String> ids = new ArrayList<>();
        ids.addAll(submitBatch(server, "{\"type\":\"sleep\",\"payload\":{\"ms\":2500},\"max_attempts\":3}", 8));
        ids.addAll(submitBatch(server, "{\"type\":\"noop\"}", 20));
        ids.addAll(submitBatch(server, "{\"type\":\"fail\",\"payload\":{\"times\":1},\"max_attempts\":3,\"backoff\":{\"base\":\"100ms\",\"cap\":\"1s\"}}", 5));
        ids.addAll(submitBatch(server, "{\"type\":\"noop\",\"delay\":\"3s\"}", 5));
        await().atMost(Duration.ofSeconds(20)).until(() -> stats(server).path("statuses").path("running").asInt() >= 4);

        first.destroyForcibly(); // SIGKILL: no shutdown hook, no hand-back
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();

        startServer(storeUrl, port);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> ids.stream().allMatch(id -> terminal(job(server, id))));

        int interrupted = 0;
        for (String id : ids) {
            JsonNode j = job(server, id);
            assertThat(j.path("status").asText()).as("job %s", id).isEqualTo("completed");
            for (JsonNode e : j.path("errors")) {
                if (e.path("reason").asText().equals("lease_expired")) {
                    interrupted++;
                    assertThat(j.path("attempt").asInt()).isGreaterThan(e.path("attempt").asInt());
                }
            }
        }
        assertThat(interrupted).as("attempts interrupted by the kill and recorded").isGreaterThanOrEqualTo(4);
        assertThat(stats(server).path("total").asInt()).isEqualTo(ids.size());
    }

    private Process startServer(String storeUrl, int port) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.ordo.server.cli.Main",
                "server", "--store", storeUrl, "--port", String.valueOf(port), "--lease", "2s", "--concurrency", "8")
                .redirectErrorStream(true);
        Process p = pb.start();
        processes.add(p);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains("Ordo ready at")) ready.complete(null);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
            ready.completeExceptionally(new IllegalStateException("server exited before it was ready"));
        });
        ready.get(60, TimeUnit.SECONDS);
        return p;
    }

    private static List<String> submitBatch(String server, String job, int n) throws Exception {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < n; i++) body.append(i == 0 ? "" : ",").append(job);
        body.append("]}");
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(server + "/api/jobs/batch"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        List<String> ids = new ArrayList<>();
        for (JsonNode j : Json.parse(r.body()).path("jobs")) ids.add(j.path("job_id").asText());
        assertThat(ids).hasSize(n);
        return ids;
    }

    private static JsonNode stats(String server) {
        return get(server + "/api/jobs/stats");
    }

    private static JsonNode job(String server, String id) {
        return get(server + "/api/jobs/" + id);
    }

    private static JsonNode get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return Json.parse(r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean terminal(JsonNode job) {
        return List.of("completed", "failed", "cancelled").contains(job.path("status").asText());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
