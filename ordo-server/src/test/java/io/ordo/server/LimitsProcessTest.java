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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stored max_running holds across real processes: one {@code ordo server} and two {@code ordo worker}s
 * on one PostgreSQL, 8 slots each, and {@code max_running 3} on the queue. The running count,
 * sampled from the store every ~50 ms while ~100 ms jobs drain, never passes 3, and every job completes.
 */
class LimitsProcessTest {
    private static final String BASE = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
    private final List<ServerProcess> processes = new ArrayList<>();
    private String schema;

    @AfterEach
    void cleanUp() throws Exception {
        processes.forEach(ServerProcess::close);
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(BASE, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }

    @Test
    void maxRunningIsNeverExceededAcrossThreeNodes() throws Exception {
        schema = "limits_" + Long.toHexString(System.nanoTime());
        String store = BASE + "?user=postgres&currentSchema=" + schema;
        ServerProcess server = track(new ServerProcess(store, "--queue", "limited=8")).start();
        JsonNode set = server.put("/api/queues/limited/settings", "{\"max_running\": 3}", 200);
        assertThat(set.path("max_running").asInt()).isEqualTo(3);
        // the workers start after the limit is stored: they read it before their first claim
        track(ServerProcess.worker(store, "--queue", "limited=8")).start();
        track(ServerProcess.worker(store, "--queue", "limited=8")).start();

        int total = 60;
        List<String> ids = server.submitBatch("{\"type\":\"sleep\",\"queue\":\"limited\",\"payload\":{\"ms\":100}}", total);

        AtomicInteger worst = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        Thread sampler = Thread.ofVirtual().start(() -> {
            try (Connection c = DriverManager.getConnection(store); Statement st = c.createStatement()) {
                while (!stop.get()) {
                    try (ResultSet rs = st.executeQuery("SELECT count(*) FROM ordo_jobs WHERE queue = 'limited' AND status = 'running'")) {
                        rs.next();
                        worst.accumulateAndGet(rs.getInt(1), Math::max);
                        samples.incrementAndGet();
                    }
                    Thread.sleep(50); // the sampling period, not a wait for a result
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> server.get("/api/jobs/stats").path("statuses").path("completed").asInt() == total);
        } finally {
            stop.set(true);
            sampler.join();
        }
        for (String id : ids) assertThat(server.get("/api/jobs/" + id).path("status").asText()).isEqualTo("completed");
        assertThat(samples.get()).as("samples taken").isGreaterThan(10);
        assertThat(worst.get()).as("jobs running at once, sampled").isLessThanOrEqualTo(3).isGreaterThanOrEqualTo(2);
        // the queue's stats show the stored limit
        JsonNode q = null;
        for (JsonNode x : server.get("/api/queue/stats").path("queues")) if (x.path("queue").asText().equals("limited")) q = x;
        assertThat(q).isNotNull();
        assertThat(q.path("settings").path("max_running").asInt()).isEqualTo(3);
    }
}
