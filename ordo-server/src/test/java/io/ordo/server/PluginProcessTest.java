package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Plugins and worker endpoints in real processes: an {@code ordo worker --plugins DIR} runs a plugin
 * job submitted through an {@code ordo server} on the same PostgreSQL store, and serves /metrics,
 * /health and /ready on its metrics port; a worker the server launches gets the server's plugins.
 */
class PluginProcessTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<ServerProcess> processes = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void killAll() {
        processes.forEach(ServerProcess::close);
    }

    @Test
    void aWorkerRunsAPluginJobFromAServerOnPostgresAndServesItsMetrics() throws Exception {
        String base = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
        String schema = "plugins_" + Long.toHexString(System.nanoTime());
        try {
            workerRunsPluginJob(base + "?user=postgres&currentSchema=" + schema);
        } finally {
            try (Connection c = DriverManager.getConnection(base, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private void workerRunsPluginJob(String store) throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        PluginJars.upperAndShout(plugins);
        // the server knows the type (to accept the submit) but serves no 'words' queue: only the worker runs it
        ServerProcess server = track(new ServerProcess(store, "--plugins", plugins.toString())).start();
        int metricsPort = freePort();
        ServerProcess worker = track(ServerProcess.worker(store, "--plugins", plugins.toString(), "--node-id", "plugin-worker",
                "--queue", "words=2", "--metrics-port", String.valueOf(metricsPort))).start();
        String metricsUrl = "http://127.0.0.1:" + metricsPort;
        assertThat(worker.output()).contains("Ordo worker plugin-worker running")
                .contains("metrics, health and ready at " + metricsUrl).contains("plugins: handlers test.upper; actions test-shout");

        String id = server.post("/api/jobs", "{\"type\":\"test.upper\",\"queue\":\"words\",\"payload\":{\"text\":\"plugged in\"}}", 202)
                .path("job_id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> ServerProcess.terminal(server.get("/api/jobs/" + id)));
        JsonNode job = server.get("/api/jobs/" + id);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.path("lease_owner").asText()).isEqualTo("plugin-worker");
        assertThat(job.path("result").path("upper").asText()).isEqualTo("PLUGGED IN");

        HttpResponse<String> metrics = get(metricsUrl + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(metrics.body()).contains("ordo_jobs_completed_total{queue=\"words\"} 1.0").contains("ordo_worker_utilization");
        HttpResponse<String> health = get(metricsUrl + "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Json.parse(health.body()).path("status").asText()).isEqualTo("ok");
        assertThat(Json.parse(health.body()).path("node").asText()).isEqualTo("plugin-worker");
        HttpResponse<String> ready = get(metricsUrl + "/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(Json.parse(ready.body()).path("status").asText()).isEqualTo("ready");
        assertThat(get(metricsUrl + "/api/jobs").statusCode()).as("only the three endpoints").isEqualTo(404);
    }

    @Test
    void aWorkerTheServerLaunchesHasTheServersPlugins() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        PluginJars.upperAndShout(plugins);
        ServerOptions options = new ServerOptions().dataDir(tmp).storeUrl("jdbc:sqlite:" + tmp.resolve("ordo.db")).port(0)
                .concurrency(2).shutdownGrace(Duration.ofSeconds(2)).pluginsDir(plugins).resolve(Map.of());
        try (OrdoServer server = OrdoServer.create(options).start(); Http http = new Http(server.url())) {
            Http.Response launched = http.post("/api/cluster/workers", "{\"concurrency\": 1, \"queues\": [\"words=1\"]}");
            assertThat(launched.status()).as(launched.body()).isEqualTo(202);
            String nodeId = launched.json().path("node_id").asText();
            String id = http.post("/api/jobs", "{\"type\":\"test.upper\",\"queue\":\"words\",\"payload\":{\"text\":\"launched\"}}")
                    .json().path("job_id").asText();
            Path log = tmp.resolve("workers").resolve(nodeId + ".log");
            await().atMost(Duration.ofSeconds(60)).until(() -> TestServer.job(server, id).isTerminal());
            Job done = TestServer.job(server, id);
            assertThat(done.status()).as(Files.readString(log)).isEqualTo(JobStatus.COMPLETED);
            assertThat(done.leaseOwner()).isEqualTo(nodeId);
            assertThat(done.result().path("upper").asText()).isEqualTo("LAUNCHED");
            assertThat(Files.readString(log)).contains("plugins: handlers test.upper; actions test-shout");
        }
    }

    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
