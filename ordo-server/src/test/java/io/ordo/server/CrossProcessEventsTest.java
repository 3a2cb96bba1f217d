package io.ordo.server;

import io.ordo.server.events.Received;
import io.ordo.server.events.SseTestClient;
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
 * Live events across processes: node A (in this JVM, no workers) streams what node B (a child JVM on
 * the same database) does with a job, through the store's event log only.
 */
class CrossProcessEventsTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    @Test
    void sqliteFile(@TempDir Path dir) throws Exception {
        seenLiveOnTheOtherNode("jdbc:sqlite:" + dir.resolve("events.db"));
    }

    @Test
    void postgres() throws Exception {
        String base = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
        String schema = "events_" + Long.toHexString(System.nanoTime());
        open.add(() -> {
            try (Connection c = DriverManager.getConnection(base, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        });
        seenLiveOnTheOtherNode(base + "?user=postgres&currentSchema=" + schema);
    }

    private void seenLiveOnTheOtherNode(String storeUrl) throws Exception {
        OrdoServer a = track(OrdoServer.create(new ServerOptions().storeUrl(storeUrl).port(0).concurrency(0)
                .shutdownGrace(Duration.ofMillis(500)).resolve(Map.of())).start());
        ServerProcess b = track(new ServerProcess(storeUrl).start());
        try (SseTestClient sse = SseTestClient.open(a.url() + "/api/events?types=task_progress,job_status_change")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> a.ordo().eventHub().subscriberCount() == 1);
            String id = b.post("/api/jobs", "{\"type\":\"sleep\",\"payload\":{\"ms\":2200}}", 202).path("job_id").asText();
            Received r = sse.received;
            // progress while it runs on B, then its end
            await().atMost(Duration.ofSeconds(20)).until(() -> r.any(e -> id.equals(e.jobId()) && e.type().equals("task_progress")));
            // its start on B was seen here, its end not yet
            assertThat(r.of("job_status_change")).filteredOn(e -> id.equals(e.jobId()))
                    .extracting(e -> e.payload().path("status").asText()).containsExactly("running");
            await().atMost(Duration.ofSeconds(20)).until(() -> r.any(e -> id.equals(e.jobId()) && e.type().equals("job_status_change")
                    && e.payload().path("status").asText().equals("completed")));
            assertThat(r.events).extracting(Received.Event::id).isSorted().doesNotHaveDuplicates();
            assertThat(a.ordo().runningHere()).isZero();
        }
    }
}
