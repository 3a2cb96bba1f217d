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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.ordo.server.dashboard.DashboardServer.status;
import static io.ordo.server.dashboard.DashboardServer.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every page of the dashboard, with jobs of every kind in the store, at desktop and phone width and in
 * the dark theme: it renders its content with no console error and no failed request, and a
 * screenshot of it is saved under {@code target/dashboard-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardPagesTest {
    @TempDir
    static Path dir;
    OrdoServer server;
    Http http;
    final Map<String, String[]> pages = new LinkedHashMap<>();

    @BeforeAll
    void start() {
        server = DashboardServer.start(dir);
        http = new Http(server.url());
        for (int i = 0; i < 4; i++) submit(http, "{\"type\": \"noop\"}");
        submit(http, "{\"type\": \"noop\", \"delay\": \"1h\", \"queue\": \"mail\"}");
        String talk = submit(http, "{\"type\": \"talk\", \"payload\": {\"lines\": 40}}");
        String fan = submit(http, "{\"type\": \"fan\", \"payload\": {\"children\": 12, \"type\": \"noop\"}}");
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < 3; i++) failed.add(submit(http, "{\"type\": \"fail\", \"max_attempts\": 2, \"payload\": {\"message\": \"upstream said no\"}}"));
        failed.add(submit(http, "{\"type\": \"fail\", \"max_attempts\": 1, \"payload\": {\"message\": \"disk full\"}}"));
        String sleeping = submit(http, "{\"type\": \"sleep\", \"payload\": {\"ms\": 600000}, \"tags\": [\"long\"]}");
        String run = http.post("/api/jobs/definitions/demo/execute", "").json().path("job_id").asText();
        String batch = http.post("/api/jobs/batch", "{\"name\": \"nightly\", \"jobs\": [{\"type\": \"noop\"}, {\"type\": \"fail\", "
                + "\"max_attempts\": 1}], \"on_failure\": {\"type\": \"noop\"}}").json().path("batch_id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> status(http, run).equals("completed")
                && failed.stream().allMatch(id -> status(http, id).equals("failed")) && status(http, fan).equals("completed")
                && status(http, sleeping).equals("running") && status(http, batch).equals("failed"));
        pages.put("overview", new String[] {"/", ".page-overview .queues"});
        pages.put("jobs", new String[] {"/jobs", ".page-jobs table.jobs"});
        pages.put("job-with-log", new String[] {"/jobs/" + talk, ".page-job ol.log li[data-seq]"});
        pages.put("job-with-children", new String[] {"/jobs/" + fan, ".page-job .children table.jobs"});
        pages.put("job-failed", new String[] {"/jobs/" + failed.get(0), ".page-job table.attempts"});
        pages.put("run", new String[] {"/runs/" + run + "?step=fetch", ".page-run svg.graph .node.selected"});
        pages.put("batches", new String[] {"/batches", "table.batches tr[data-batch]"});
        pages.put("batch", new String[] {"/batches/" + batch, ".page-batch .callbacks li[data-kind=on_failure]"});
        pages.put("definitions", new String[] {"/definitions", "table.definitions"});
        pages.put("definition", new String[] {"/definitions/demo", ".page-definition textarea"});
        pages.put("new-definition", new String[] {"/new-definition", ".page-definition textarea"});
        pages.put("dead-letter", new String[] {"/dead-letter", ".groups .group"});
        pages.put("nodes", new String[] {"/nodes", "table.nodes"});
        pages.put("submit", new String[] {"/submit", ".page-submit form"});
        http.post("/api/schedules", "{\"id\": \"nightly-report\", \"type\": \"noop\", \"cron\": \"30 2 * * *\", \"timezone\": \"Europe/Berlin\"}");
        pages.put("schedules", new String[] {"/schedules", "table.schedules tr[data-schedule]"});
        pages.put("job-running", new String[] {"/jobs/" + sleeping, ".page-job[data-status=running]"});
    }

    @AfterAll
    void stop() {
        http.close();
        server.close();
    }

    private void tour(Browser b, String suffix) {
        List<String> problems = new ArrayList<>();
        pages.forEach((name, p) -> {
            b.open(p[0]);
            b.waitFor(p[1]);
            b.screenshot(name + suffix);
            b.problems().forEach(x -> problems.add(name + ": " + x));
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void everyPageAtDesktopWidth() {
        try (Browser b = new Browser(server.url(), 1280, 800)) {
            tour(b, "");
        }
    }

    @Test
    void everyPageAtPhoneWidth() {
        try (Browser b = new Browser(server.url(), 390, 844)) {
            tour(b, "-phone");
            assertThat((Long) b.js("return document.documentElement.scrollWidth")).as("no sideways scrolling of the page").isLessThanOrEqualTo(390L);
        }
    }

    @Test
    void everyPageInTheDarkTheme() {
        try (Browser b = new Browser(server.url(), 1280, 800, true)) {
            b.open("/");
            b.waitFor(".page-overview");
            assertThat((Boolean) b.js("return matchMedia('(prefers-color-scheme: dark)').matches")).isTrue();
            tour(b, "-dark");
        }
    }
}
