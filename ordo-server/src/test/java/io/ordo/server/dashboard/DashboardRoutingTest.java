package io.ordo.server.dashboard;

import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static io.ordo.server.dashboard.DashboardServer.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Capabilities on the dashboard: a job's page shows what it requires and, when no node can run it, why it waits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardRoutingTest {
    @TempDir
    static Path dir;
    OrdoServer server;
    Http http;
    Browser b;

    @BeforeAll
    void start() {
        server = DashboardServer.start(dir);
        http = new Http(server.url());
        b = new Browser(server.url(), 1280, 900);
    }

    @AfterAll
    void stop() {
        b.close();
        http.close();
        server.close();
    }

    @AfterEach
    void noErrorsInThePage() {
        assertThat(b.problems()).as("console errors and failed requests").isEmpty();
    }

    @Test
    void aJobNoNodeCanRunSaysWhatItWaitsForOnItsPage() {
        String id = submit(http, "{\"type\": \"noop\", \"requires\": {\"gpu\": 1}}");
        await().atMost(Duration.ofSeconds(15)).until(() -> http.get("/api/jobs/" + id).json().has("waiting_for"));
        b.open("/jobs/" + id);
        assertThat(b.waitFor(".page-job[data-status=pending] .waiting-for").getText()).isEqualTo("Waiting for a node with gpu=1.");
        assertThat(b.text(".page-job .facts")).contains("gpu=1");
        b.screenshot("job-waiting-for-a-node");
    }
}
