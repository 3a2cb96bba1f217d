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
 * A batch with callbacks survives a {@code kill -9} of the node running it: the jobs the kill
 * interrupted run again elsewhere, the batch ends, each callback is enqueued once and runs once,
 * and every job of the batch has exactly one terminal status event (nothing twice, nothing lost).
 */
class BatchCrashTest {
    private final List<ServerProcess> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(ServerProcess::close);
    }

    @Test
    void postgresNodeKilledMidBatchAnotherNodeFinishesIt() throws Exception {
        String base = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
        String schema = "batchcrash_" + Long.toHexString(System.nanoTime());
        try {
            String url = base + "?user=postgres&currentSchema=" + schema;
            ServerProcess a = track(new ServerProcess(url)).start();
            ServerProcess b = track(new ServerProcess(url)).start();
            killMidBatch(url, a, b);
        } finally {
            try (Connection c = DriverManager.getConnection(base, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    @Test
    void sqliteNodeKilledMidBatchIsRestartedAndFinishesIt(@TempDir Path dir) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("batch.db");
        ServerProcess a = track(new ServerProcess(url)).start();
        killMidBatch(url, a, null);
    }

    /** Kills {@code a} while the batch runs; {@code other} (or a restarted node on the same store) finishes it. */
    private void killMidBatch(String url, ServerProcess a, ServerProcess other) throws Exception {
        StringBuilder jobs = new StringBuilder();
        for (int i = 0; i < 12; i++) jobs.append(i == 0 ? "" : ",").append("{\"type\":\"sleep\",\"payload\":{\"ms\":2500},\"max_attempts\":3}");
        for (int i = 0; i < 40; i++) jobs.append(",{\"type\":\"sleep\",\"payload\":{\"ms\":20}}");
        JsonNode submitted = a.post("/api/jobs/batch", "{\"name\":\"crash\",\"jobs\":[" + jobs + "],"
                + "\"on_complete\":{\"type\":\"noop\",\"tags\":[\"cb\"]},\"on_success\":{\"type\":\"noop\",\"tags\":[\"cb\"]},"
                + "\"on_failure\":{\"type\":\"noop\",\"tags\":[\"cb\"]}}", 202);
        String id = submitted.path("batch_id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.get("/api/batches/" + id).path("counts").path("running").asInt() >= 4);
        assertThat(a.get("/api/batches/" + id).path("status").asText()).isEqualTo("running");

        a.kill();

        ServerProcess b = other != null ? other : track(new ServerProcess(url)).start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> !b.get("/api/batches/" + id).path("status").asText().equals("running"));
        JsonNode batch = b.get("/api/batches/" + id);
        assertThat(batch.path("status").asText()).as(batch.toString()).isEqualTo("completed");
        assertThat(batch.path("counts").path("completed").asInt()).isEqualTo(52);
        assertThat(batch.path("total").asInt()).isEqualTo(52);

        List<String> callbackIds = new ArrayList<>();
        batch.path("callbacks").properties().forEach(e -> callbackIds.add(e.getValue().asText()));
        assertThat(callbackIds).hasSize(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> callbackIds.stream().allMatch(c -> ServerProcess.terminal(b.get("/api/jobs/" + c))));

        // every job under the batch: the 52 jobs and the 2 callbacks, no more
        JsonNode children = b.get("/api/jobs?parent_id=" + id + "&limit=100");
        List<String> all = new ArrayList<>();
        int callbacks = 0;
        int interrupted = 0;
        for (JsonNode j : children.path("jobs")) {
            for (JsonNode e : j.path("errors")) if (e.path("reason").asText().equals("lease_expired")) interrupted++;
            all.add(j.path("id").asText());
            assertThat(j.path("status").asText()).as(j.toString()).isEqualTo("completed");
            if (j.path("type").asText().equals("noop")) {
                callbacks++;
                assertThat(j.path("attempt").asInt()).as("callback ran once: %s", j).isEqualTo(1);
                assertThat(j.path("payload").path("counts").path("completed").asInt()).isEqualTo(52);
            }
        }
        assertThat(callbacks).isEqualTo(2);
        assertThat(interrupted).as("attempts the kill interrupted, run again").isGreaterThanOrEqualTo(1);
        assertThat(all).hasSize(54);
        assertThat(children.path("next_cursor").isNull()).isTrue();

        // one terminal status event per job, the batch job's own included
        all.add(id);
        await().atMost(Duration.ofSeconds(20)).until(() -> ServerProcess.terminalEvents(url).keySet().containsAll(all));
        Map<String, List<String>> ends = ServerProcess.terminalEvents(url);
        for (String j : all) assertThat(ends.get(j)).as("terminal events of %s", j).containsExactly("completed");
    }

    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }
}
