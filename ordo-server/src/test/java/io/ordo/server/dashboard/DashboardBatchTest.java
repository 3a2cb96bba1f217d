package io.ordo.server.dashboard;

import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch pages in real Chromium: a batch's page follows it live from running to completed (no
 * reload) and links to its callback, whose job page links back; the list shows the batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBatchTest {
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

    @Test
    void aBatchPageFollowsTheBatchLiveAndLinksToItsCallback() {
        Http.Response r = http.post("/api/jobs/batch", """
                {"name": "nightly import", "jobs": [{"type": "sleep", "payload": {"ms": 3000}}, {"type": "noop"}, {"type": "noop"}],
                 "on_complete": {"type": "noop"}}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        String id = r.json().path("batch_id").asText();

        b.open("/batches/" + id);
        b.waitFor(".page-batch[data-status=running] .progress");
        assertThat(b.text(".page-batch h1")).contains("nightly import");
        b.js("window.__notReloaded = true");
        b.waitFor(".page-batch[data-status=completed] .callbacks li[data-kind=on_complete] a", Duration.ofSeconds(30));
        assertThat(b.js("return window.__notReloaded === true")).as("followed live, not reloaded").isEqualTo(true);
        assertThat(b.text(".page-batch .progress-text")).contains("3 / 3 (100%)");
        b.waitUntil("the batch's jobs are listed", x -> x.all(".batch-jobs table.jobs tbody tr").size() == 3);
        b.screenshot("batch");

        b.click(".callbacks li[data-kind=on_complete] a");
        b.waitFor(".page-job .batch-link a");
        b.click(".page-job .batch-link a");
        b.waitFor(".page-batch[data-status=completed]");

        b.open("/batches");
        b.waitFor("table.batches tr[data-batch='" + id + "']");
        assertThat(b.text("table.batches tr[data-batch='" + id + "']")).contains("nightly import").contains("completed");
        b.screenshot("batches");
        assertThat(b.problems()).as("console errors and failed requests").isEmpty();
    }
}
