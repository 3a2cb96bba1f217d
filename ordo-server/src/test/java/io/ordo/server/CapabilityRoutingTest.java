package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
 * Capabilities and routing with real processes on PostgreSQL: a server without capabilities, worker
 * A with {@code gpu=1} and worker B with {@code class=io}. Each job runs only on a node that has what
 * it requires (its lease owner is that node); a job nobody can run waits and says why; a definition
 * step that requires gpu=1 runs on A.
 */
class CapabilityRoutingTest {
    private final List<ServerProcess> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(ServerProcess::close);
    }

    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }

    @Test
    void jobsRunOnlyOnNodesWithTheCapabilitiesTheyRequire() throws Exception {
        String base = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
        String schema = "caps_" + Long.toHexString(System.nanoTime());
        String store = base + "?user=postgres&currentSchema=" + schema;
        try {
            run(store);
        } finally {
            try (Connection c = DriverManager.getConnection(base, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private void run(String store) throws Exception {
        ServerProcess server = track(new ServerProcess(store, "--node-id", "server")).start();
        track(ServerProcess.worker(store, "--node-id", "worker-a", "--capability", "gpu=1")).start();
        track(ServerProcess.worker(store, "--node-id", "worker-b", "--capability", "class=io")).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> alive(server) == 3);
        JsonNode nodes = server.get("/api/cluster/nodes").path("nodes");
        for (JsonNode n : nodes) {
            Map<String, String> caps = Json.MAPPER.convertValue(n.path("capabilities"), Map.class);
            switch (n.path("id").asText()) {
                case "worker-a" -> assertThat(caps).isEqualTo(Map.of("gpu", "1"));
                case "worker-b" -> assertThat(caps).isEqualTo(Map.of("class", "io"));
                default -> assertThat(caps).isEmpty();
            }
        }

        // short sleeps, so that every node is free to claim and only the requirements decide
        List<String> gpu = server.submitBatch("{\"type\":\"sleep\",\"payload\":{\"ms\":20},\"requires\":{\"gpu\":1}}", 30);
        List<String> ioJobs = server.submitBatch("{\"type\":\"sleep\",\"payload\":{\"ms\":20},\"requires\":{\"class\":\"io\"}}", 30);
        List<String> plain = server.submitBatch("{\"type\":\"sleep\",\"payload\":{\"ms\":20}}", 60);
        String tpu = server.post("/api/jobs", "{\"type\":\"noop\",\"requires\":{\"tpu\":\"1\"}}", 202).path("job_id").asText();
        String run = runDefinition(server);

        List<String> all = new ArrayList<>(gpu);
        all.addAll(ioJobs);
        all.addAll(plain);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> all.stream().allMatch(id -> server.get("/api/jobs/" + id).path("status").asText().equals("completed")));
        for (String id : gpu) assertThat(server.get("/api/jobs/" + id).path("lease_owner").asText()).as("gpu job %s", id).isEqualTo("worker-a");
        for (String id : ioJobs) assertThat(server.get("/api/jobs/" + id).path("lease_owner").asText()).as("io job %s", id).isEqualTo("worker-b");
        List<String> owners = plain.stream().map(id -> server.get("/api/jobs/" + id).path("lease_owner").asText()).distinct().toList();
        assertThat(owners).as("plain jobs run anywhere").isSubsetOf("server", "worker-a", "worker-b");

        // the definition step that requires gpu=1 ran on A
        await().atMost(Duration.ofSeconds(30)).until(() -> server.get("/api/jobs/" + run).path("status").asText().equals("completed"));
        JsonNode steps = server.get("/api/jobs/" + run + "/children").path("jobs");
        JsonNode onGpu = null;
        for (JsonNode s : steps) if (s.path("step").asText().equals("on-gpu")) onGpu = s;
        assertThat(onGpu).as("step on-gpu in %s", steps).isNotNull();
        assertThat(onGpu.path("requires").path("gpu").asText()).isEqualTo("1");
        assertThat(onGpu.path("lease_owner").asText()).isEqualTo("worker-a");

        // nobody has tpu=1: the job waits and says so, in its JSON and in `ordo jobs show`
        JsonNode waiting = server.get("/api/jobs/" + tpu);
        assertThat(waiting.path("status").asText()).isEqualTo("pending");
        assertThat(waiting.path("waiting_for").asText()).isEqualTo("a node with tpu=1");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int exit = io.ordo.server.cli.Main.run(new String[] {"jobs", "show", tpu}, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                System.err, Map.of("ORDO_SERVER", server.url));
        assertThat(exit).isZero();
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("waiting for a node with tpu=1");
    }

    private static int alive(ServerProcess server) {
        int n = 0;
        for (JsonNode node : server.get("/api/cluster/nodes").path("nodes")) if (node.path("state").asText().equals("alive")) n++;
        return n;
    }

    private static String runDefinition(ServerProcess server) {
        String yaml = "id: caps-demo\\nsteps:\\n  - name: prepare\\n    action: noop\\n"
                + "  - name: on-gpu\\n    action: sleep\\n    depends: prepare\\n    config: {ms: 20}\\n    requires: {gpu: 1}\\n";
        server.post("/api/jobs/definitions", "{\"source\": \"" + yaml + "\", \"format\": \"yaml\"}", 201);
        return server.post("/api/jobs/definitions/caps-demo/execute", "{}", 202).path("job_id").asText();
    }
}
