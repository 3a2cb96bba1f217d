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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Guarantee 1 and 3 with a real process: a server is killed with SIGKILL while jobs run, started
 * again on the same store, and every job still reaches a terminal state; the attempts the kill
 * interrupted are in the jobs' attempt history, and every job's terminal status event is in the event
 * log exactly once (events are committed with the changes they describe).
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
        // half the 8 slots: the other half keeps completing short jobs until the kill
        ids.addAll(first.submitBatch("{\"type\":\"sleep\",\"payload\":{\"ms\":4000},\"max_attempts\":3}", 4));
        ids.addAll(first.submitBatch("{\"type\":\"noop\"}", 20));
        ids.addAll(first.submitBatch("{\"type\":\"fail\",\"payload\":{\"times\":1},\"max_attempts\":3,\"backoff\":{\"base\":\"100ms\",\"cap\":\"1s\"}}", 5));
        ids.addAll(first.submitBatch("{\"type\":\"noop\",\"delay\":\"3s\"}", 5));
        // short jobs completing all the time, so that the kill lands among claims and completions
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < 3; i++) flood.addAll(first.submitBatch("{\"type\":\"sleep\",\"payload\":{\"ms\":15}}", 500));
        await().atMost(Duration.ofSeconds(20)).until(() -> first.get("/api/jobs/stats").path("statuses").path("running").asInt() >= 4
                && first.get("/api/jobs/stats").path("statuses").path("completed").asInt() >= 100);

        first.kill();

        ServerProcess second = track(new ServerProcess(storeUrl)).start();
        int total = ids.size() + flood.size();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> second.get("/api/jobs/stats").path("statuses").path("completed").asInt() == total);

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
        assertThat(second.get("/api/jobs/stats").path("total").asInt()).isEqualTo(total);

        // the events were committed with the changes: every job has exactly one terminal status
        // event (none lost to the kill, none written twice), and it says how the job ended
        await().atMost(Duration.ofSeconds(20)).until(() -> ServerProcess.terminalEvents(storeUrl).size() == total);
        Map<String, List<String>> ends = ServerProcess.terminalEvents(storeUrl);
        List<String> all = new ArrayList<>(ids);
        all.addAll(flood);
        assertThat(ends.keySet()).containsExactlyInAnyOrderElementsOf(all);
        assertThat(ends.values()).allSatisfy(s -> assertThat(s).containsExactly("completed"));
    }


    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }

}
