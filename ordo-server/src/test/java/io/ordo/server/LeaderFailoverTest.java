package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One leader with real processes on PostgreSQL: the worker that leads is killed with SIGKILL while
 * it runs jobs; another node takes the lease (the next term) within the lease time and the duties
 * resume on it: the dead worker's jobs are rescued when their leases expire, a delayed job is
 * promoted and runs; the new leader keeps its term.
 */
class LeaderFailoverTest {
    private static final String BASE = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
    private final List<ServerProcess> processes = new ArrayList<>();
    private final String schema = "leader_" + Long.toHexString(System.nanoTime());
    private final String store = BASE + "?user=postgres&currentSchema=" + schema;

    @AfterEach
    void cleanUp() throws Exception {
        processes.forEach(ServerProcess::close);
        try (Connection c = DriverManager.getConnection(BASE, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }

    @Test
    void aKilledLeaderIsReplacedWithinTheLeaseAndTheDutiesResume() throws Exception {
        // the first node up leads; the server runs no jobs, so the long jobs can only go to it
        ServerProcess first = track(ServerProcess.worker(store, "--node-id", "w1")).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> "w1".equals(leader()[0]));
        ServerProcess server = track(new ServerProcess(store, "--node-id", "s", "--queue", "default=0")).start();
        List<String> long_ = server.submitBatch("{\"type\":\"sleep\",\"payload\":{\"ms\":60000},\"max_attempts\":2}", 3);
        await().atMost(Duration.ofSeconds(15)).until(() -> long_.stream().allMatch(id -> "running".equals(server.get("/api/jobs/" + id).path("status").asText())));
        ServerProcess second = track(ServerProcess.worker(store, "--node-id", "w2")).start();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(leaders(server)).containsExactly("w1"));

        first.kill();
        long killedAt = System.nanoTime();
        // lease 3s: w1's last renewal was at most 0.75s before the kill; the others try every 0.75s
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of("s", "w2").contains(String.valueOf(leader()[0])));
        long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
        assertThat(tookMs).as("takeover after the kill").isLessThan(3_000 + 750 + 2_000);
        String[] now = leader();
        assertThat(now[1]).isEqualTo("2");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(leaders(server)).containsExactly(now[0]));

        // the duties run on the new leader: w1's jobs are rescued (their 2s leases expired) and run again on w2
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (String id : long_) {
                JsonNode j = server.get("/api/jobs/" + id);
                assertThat(j.path("attempt").asInt()).as(j.toString()).isEqualTo(2);
                assertThat(j.path("status").asText()).isEqualTo("running");
                assertThat(j.path("errors").get(0).path("reason").asText()).isEqualTo("lease_expired");
                assertThat(j.path("errors").get(0).path("owner").asText()).isEqualTo("w1");
            }
        });
        // and a delayed job is promoted when due
        String delayed = server.submitBatch("{\"type\":\"noop\",\"delay\":\"1s\"}", 1).get(0);
        await().atMost(Duration.ofSeconds(15)).until(() -> "completed".equals(server.get("/api/jobs/" + delayed).path("status").asText()));

        // the lead did not move again meanwhile: the same node renewed term 2 throughout
        assertThat(leader()).containsExactly(now[0], "2");
        for (String id : long_) server.post("/api/jobs/" + id + "/cancel", "{}", 200);
    }

    /** GET /api/cluster/nodes: the ids of the nodes shown as leader. */
    private static List<String> leaders(ServerProcess server) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : server.get("/api/cluster/nodes").path("nodes")) if (n.path("leader").asBoolean()) out.add(n.path("id").asText());
        return out;
    }

    /** The lease row: holder and term (nulls before any node led). */
    private String[] leader() throws Exception {
        try (Connection c = DriverManager.getConnection(store); Statement s = c.createStatement()) {
            ResultSet rs = s.executeQuery("SELECT node, term FROM ordo_leader WHERE until > now()");
            return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : new String[] {null, null};
        } catch (java.sql.SQLException e) {
            return new String[] {null, null}; // the schema is not migrated yet
        }
    }
}
