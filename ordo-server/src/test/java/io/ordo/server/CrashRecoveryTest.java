package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Guarantee 1 and 3 with a real process: a server is killed with SIGKILL while jobs run, started
 * again on the same store, and every job still reaches a terminal state; the attempts the kill
 * interrupted are in the jobs' attempt history.
 */
class CrashRecoveryTest {
    private final List<ServerProcess> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(ServerProcess::close);
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
        ServerProcess first = track(new ServerProcess(storeUrl)).start();
        List<String> ids = new ArrayList<>();
        ids.addAll(submitBatch(first, "{\"type\":\"sleep\",\"payload\":{\"ms\":2500},\"max_attempts\":3}", 8));
        ids.addAll(submitBatch(first, "{\"type\":\"noop\"}", 20));
        ids.addAll(submitBatch(first, "{\"type\":\"fail\",\"payload\":{\"times\":1},\"max_attempts\":3,\"backoff\":{\"base\":\"100ms\",\"cap\":\"1s\"}}", 5));
        ids.addAll(submitBatch(first, "{\"type\":\"noop\",\"delay\":\"3s\"}", 5));
        await().atMost(Duration.ofSeconds(20)).until(() -> first.get("/api/jobs/stats").path("statuses").path("running").asInt() >= 4);

        first.kill();

        ServerProcess second = track(new ServerProcess(storeUrl)).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> ids.stream().allMatch(id -> ServerProcess.terminal(second.get("/api/jobs/" + id))));

        int interrupted = 0;
        for (String id : ids) {
            JsonNode j = second.get("/api/jobs/" + id);
            assertThat(j.path("status").asText()).as("job %s", id).isEqualTo("completed");
            for (JsonNode e : j.path("errors")) {
                if (e.path("reason").asText().equals("lease_expired")) {
                    interrupted++;
                    assertThat(j.path("attempt").asInt()).isGreaterThan(e.path("attempt").asInt());
                }
            }
        }
        assertThat(interrupted).as("attempts interrupted by the kill and recorded").isGreaterThanOrEqualTo(4);
        assertThat(second.get("/api/jobs/stats").path("total").asInt()).isEqualTo(ids.size());
    }

    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }

    private static List<String> submitBatch(ServerProcess server, String job, int n) {
        StringBuilder body = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < n; i++) body.append(i == 0 ? "" : ",").append(job);
        body.append("]}");
        List<String> ids = new ArrayList<>();
        for (JsonNode j : server.post("/api/jobs/batch", body.toString(), 202).path("jobs")) ids.add(j.path("job_id").asText());
        assertThat(ids).hasSize(n);
        return ids;
    }
}
