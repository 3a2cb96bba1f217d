package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Node orders with real processes on PostgreSQL: a launch addressed to a worker starts a third process on the
 * worker's machine (and stops with it); drain, stop and start of each worker in turn while jobs run loses and
 * fails nothing; orders to unknown or lost nodes are refused and nothing is stored.
 */
class NodeOrdersProcessTest {
    private final List<ServerProcess> processes = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Long> launchedPids = new ArrayList<>();
    private final String base = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
    private final String schema = "orders_" + Long.toHexString(System.nanoTime());
    private final String store = base + "?user=postgres&currentSchema=" + schema;
    private final String tag = Long.toHexString(System.nanoTime() & 0xffffff);

    @TempDir
    Path dir;

    @BeforeEach
    void noProcessesYet() {
        assertThat(processes).isEmpty();
    }

    @AfterEach
    void stopAll() throws Exception {
        List.copyOf(processes).forEach(ServerProcess::close);
        // a launched worker must not outlive the test, whatever failed before its parent stopped it
        launchedPids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        try (Connection c = DriverManager.getConnection(base, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }

    private ServerProcess worker(String id) throws Exception {
        return track(ServerProcess.worker(store, "--node-id", id, "--data", dir.toString())).start();
    }

    private static JsonNode node(ServerProcess server, String id) {
        for (JsonNode n : server.get("/api/cluster/nodes").path("nodes")) if (n.path("id").asText().equals(id)) return n;
        return null;
    }

    private static String state(ServerProcess server, String id) {
        JsonNode n = node(server, id);
        return n == null ? "absent" : n.path("state").asText();
    }

    private static JsonNode awaitFinished(ServerProcess server, JsonNode order) {
        String url = order.path("url").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> !server.get(url).path("finished_at").isNull());
        return server.get(url);
    }

    @Test
    void aLaunchAddressedToAWorkerStartsAProcessOnItsMachineThatStopsWithIt() throws Exception {
        ServerProcess server = track(new ServerProcess(store, "--node-id", "srv-" + tag)).start();
        String w = "w-" + tag;
        ServerProcess parent = worker(w);
        await().atMost(Duration.ofSeconds(15)).until(() -> state(server, w).equals("alive"));

        JsonNode order = server.post("/api/cluster/workers", "{\"node\": \"" + w + "\", \"concurrency\": 2, \"queues\": [\"remote=1\"]}", 202);
        assertThat(order.path("node").asText()).isEqualTo(w);
        assertThat(order.path("kind").asText()).isEqualTo("launch");
        assertThat(order.path("status").asText()).isIn("pending", "running", "done");
        JsonNode done = awaitFinished(server, order);
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
        assertThat(done.path("taken_by").asText()).isEqualTo(w);
        assertThat(done.path("args").path("queues")).extracting(JsonNode::asText).containsExactly("remote=1");
        String child = done.path("result").path("node_id").asText();
        long childPid = done.path("result").path("pid").asLong();
        launchedPids.add(childPid);
        assertThat(child).isNotBlank().isNotEqualTo(w);
        assertThat(done.path("result").path("log").asText()).startsWith(dir.toAbsolutePath().toString());
        // started by the worker, not by the server or this test
        assertThat(ProcessHandle.of(childPid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid)).contains(parent.pid());

        await().atMost(Duration.ofSeconds(30)).until(() -> state(server, child).equals("alive"));
        JsonNode n = node(server, child);
        assertThat(n.path("pid").asLong()).isEqualTo(childPid);
        assertThat(n.path("queues")).extracting(JsonNode::asText).contains("default", "remote");
        // only the launched worker serves queue 'remote'
        String job = server.post("/api/jobs", "{\"type\": \"noop\", \"queue\": \"remote\"}", 202).path("job_id").asText();
        await().atMost(Duration.ofSeconds(15)).until(() -> server.get("/api/jobs/" + job).path("status").asText().equals("completed"));

        JsonNode stop = server.post("/api/cluster/nodes/" + w + "/stop", "", 202);
        assertThat(stop.path("kind").asText()).isEqualTo("stop");
        assertThat(parent.awaitExit(Duration.ofSeconds(40))).isZero();
        assertThat(awaitFinished(server, stop).path("status").asText()).isEqualTo("done");
        // its child went with it, and both say so
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(childPid).map(h -> !h.isAlive()).orElse(true));
        assertThat(state(server, w)).isEqualTo("stopped");
        assertThat(state(server, child)).isEqualTo("stopped");

        // a stopped node takes no order: 409, nothing stored
        JsonNode refused = server.post("/api/cluster/workers", "{\"node\": \"" + w + "\"}", 409);
        assertThat(refused.path("error").path("message").asText()).contains("node '" + w + "' is stopped");
        assertThat(orders(w)).isEqualTo(2);
    }

    @Test
    void aRollingRestartByDrainStopAndStartLosesAndFailsNothing() throws Exception {
        int jobs = 2_000;
        ServerProcess server = track(new ServerProcess(store, "--node-id", "srv-" + tag)).start();
        List<String> workers = new ArrayList<>(List.of("w1-" + tag, "w2-" + tag));
        // both at once: each start is a JVM start-up
        var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return worker(workers.get(1));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<ServerProcess> running = new ArrayList<>(List.of(worker(workers.get(0)), second.get()));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < jobs / 1000; i++) ids.addAll(server.submitBatch("{\"type\":\"sleep\",\"payload\":{\"ms\":400}}", 1000));

        for (int i = 0; i < workers.size(); i++) {
            String w = workers.get(i);
            // it has jobs of its own to finish
            await().atMost(Duration.ofSeconds(20)).until(() -> node(server, w) != null && node(server, w).path("running").asInt() > 0);
            int before = completed(server);
            JsonNode drain = server.post("/api/cluster/nodes/" + w + "/drain", "", 202);
            assertThat(awaitFinished(server, drain).path("status").asText()).isEqualTo("done");
            await().atMost(Duration.ofSeconds(20)).until(() -> state(server, w).equals("draining") && node(server, w).path("running").asInt() == 0);
            assertThat(completed(server)).as("the others went on meanwhile").isGreaterThan(before);

            server.post("/api/cluster/nodes/" + w + "/stop", "", 202);
            assertThat(running.get(i).awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(state(server, w)).isEqualTo("stopped");
            String replacement = w + "-next";
            running.set(i, worker(replacement));
            await().atMost(Duration.ofSeconds(15)).until(() -> state(server, replacement).equals("alive"));
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> completed(server) == jobs);
        JsonNode stats = server.get("/api/jobs/stats");
        assertThat(stats.path("total").asInt()).isEqualTo(jobs);
        assertThat(stats.path("statuses").path("failed").asInt()).isZero();
        // every job ended once: one terminal status event each, and it says completed
        await().atMost(Duration.ofSeconds(20)).until(() -> ServerProcess.terminalEvents(store).size() == jobs);
        Map<String, List<String>> ends = ServerProcess.terminalEvents(store);
        assertThat(ends.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(ends.values()).allSatisfy(e -> assertThat(e).containsExactly("completed"));
    }

    private static int completed(ServerProcess server) {
        return server.get("/api/jobs/stats").path("statuses").path("completed").asInt();
    }

    @Test
    void ordersToUnknownOrLostNodesAreRefusedAndNothingIsStored() throws Exception {
        ServerProcess server = track(new ServerProcess(store, "--node-id", "srv-" + tag)).start();
        String lost = "lost-" + tag;
        Instant longAgo = Instant.now().minus(Duration.ofMinutes(10));
        // a node that reported ten minutes ago and then went silent (as after kill -9)
        try (Connection c = DriverManager.getConnection(base, "postgres", "");
             PreparedStatement ps = c.prepareStatement("INSERT INTO " + schema + ".ordo_nodes (id, host, pid, version, started_at, seen_at, "
                     + "queues, types, running, slots) VALUES (?, 'elsewhere', 1, 'dev', ?, ?, '[\"default\"]', '[\"noop\"]', 0, 8)")) {
            ps.setString(1, lost);
            ps.setObject(2, java.time.OffsetDateTime.ofInstant(longAgo, java.time.ZoneOffset.UTC));
            ps.setObject(3, java.time.OffsetDateTime.ofInstant(longAgo, java.time.ZoneOffset.UTC));
            ps.executeUpdate();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> state(server, lost).equals("lost"));

        JsonNode launch = server.post("/api/cluster/workers", "{\"node\": \"" + lost + "\", \"queues\": [\"a=1\"]}", 409);
        assertThat(launch.path("error").path("code").asText()).isEqualTo("conflict");
        assertThat(launch.path("error").path("message").asText()).contains("node '" + lost + "' is lost");
        assertThat(server.post("/api/cluster/nodes/" + lost + "/drain", "", 409).path("error").path("message").asText()).contains("is lost");

        JsonNode unknown = server.post("/api/cluster/nodes/nobody-" + tag + "/drain", "", 404);
        assertThat(unknown.path("error").path("code").asText()).isEqualTo("not_found");
        assertThat(unknown.path("error").path("message").asText()).contains("no node 'nobody-" + tag + "'");
        server.post("/api/cluster/nodes/nobody-" + tag + "/stop", "", 404);
        server.post("/api/cluster/workers", "{\"node\": \"nobody-" + tag + "\"}", 404);
        // bad bodies: 400 before anything else
        server.post("/api/cluster/workers", "{\"node\": \"" + lost + "\", \"concurrency\": 0}", 400);
        server.post("/api/cluster/workers", "{\"node\": \"" + lost + "\", \"capabilities\": {\"gpu\": \"a b\"}}", 400);
        server.post("/api/cluster/workers", "{\"node\": \"" + lost + "\", \"capabilities\": [\"gpu=1\"]}", 400);
        server.post("/api/cluster/workers", "{\"node\": 3}", 400);
        server.post("/api/cluster/nodes/" + lost + "/drain", "{\"now\": true}", 400);
        assertThat(orders(null)).isZero();
    }

    /** Orders stored (for one node, or all with null), read straight from the table. */
    private int orders(String node) throws Exception {
        try (Connection c = DriverManager.getConnection(base, "postgres", "");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + schema + ".ordo_node_commands"
                     + (node == null ? "" : " WHERE node = ?"))) {
            if (node != null) ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
