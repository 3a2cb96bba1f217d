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

import static io.ordo.server.dashboard.DashboardServer.submit;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code depends_on} on the dashboard: a waiting job's page says which jobs it waits on, with links. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardDependenciesTest {
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
    void aWaitingJobSaysWhichJobsItWaitsOn() {
        String first = submit(http, "{\"type\": \"sleep\", \"payload\": {\"ms\": 60000}}");
        String second = submit(http, "{\"type\": \"noop\", \"depends_on\": [\"" + first + "\"], \"run_on_failure\": true}");
        b.open("/jobs/" + second);
        assertThat(b.waitFor(".page-job[data-status=waiting] .waiting-on").getText())
                .isEqualTo("Waiting on job " + first.substring(0, 8) + " to complete.");
        assertThat(b.text(".page-job .facts")).containsIgnoringCase("depends on").contains(first.substring(0, 8)).contains("runs on failure");
        b.screenshot("job-waiting-on-a-job");
        http.post("/api/jobs/" + first + "/cancel", null);
    }
}
