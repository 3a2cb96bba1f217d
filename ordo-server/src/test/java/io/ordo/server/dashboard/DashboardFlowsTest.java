package io.ordo.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.ordo.server.dashboard.DashboardServer.status;
import static io.ordo.server.dashboard.DashboardServer.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What people do in the dashboard, in real Chromium against a real server (SQLite store): submit from
 * the form, run a definition and watch its graph, cancel, restart from the dead letter, follow a log,
 * pause a queue, act on many jobs at once, edit a definition. No page is reloaded unless the test says
 * so, and no test may leave a console error or a failed request behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardFlowsTest {
    static final Duration LONG = Duration.ofSeconds(30);
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
    void noErrorsInThePage(org.junit.jupiter.api.TestInfo test) {
        b.screenshot("flow-" + test.getTestMethod().orElseThrow().getName());
        assertThat(b.problems()).as("console errors and failed requests").isEmpty();
    }

    /** Marks the page: if it is still marked later, the page was never reloaded. */
    private void mark() {
        b.js("window.__notReloaded = true");
    }

    private boolean notReloaded() {
        return Boolean.TRUE.equals(b.js("return window.__notReloaded === true"));
    }

    private void type(String css, String text) {
        WebElement e = b.waitFor(css);
        // as a person would type it, but in one go: set the value and let the page hear the input
        b.js("const e = arguments[0]; e.value = arguments[1]; e.dispatchEvent(new Event('input', {bubbles: true}));", e, text);
    }

    private String path() {
        return (String) b.js("return location.pathname");
    }

    @Test
    void aJobSubmittedFromTheFormOpensItsPageAndCompletesThereLive() {
        b.open("/submit");
        b.waitFor("#f-type");
        mark();
        type("#f-type", "sleep");
        type("#f-payload", "{\"ms\": 1200}");
        b.clickButton(".page-submit form", "Submit");
        b.waitUntil("the job's page opens", x -> path().startsWith("/jobs/"), LONG);
        String id = path().substring("/jobs/".length());
        b.waitFor(".page-job[data-status=running]", LONG);
        b.waitFor(".page-job[data-status=completed]", LONG);
        assertThat(notReloaded()).isTrue();
        assertThat(status(http, id)).isEqualTo("completed");
        assertThat(http.get("/api/jobs/" + id).json().path("payload").path("ms").asInt()).isEqualTo(1200);
    }

    @Test
    void badJsonInThePayloadIsNamedBeforeSendingAndNothingIsSubmitted() {
        long before = http.get("/api/jobs/stats").json().path("total").asLong();
        b.open("/submit");
        b.waitFor("#f-type");
        type("#f-payload", "{\"ms\": }");
        WebElement error = b.waitFor("#f-payload-error");
        assertThat(error.getText()).startsWith("Not valid JSON: line 1, column");
        WebElement submit = b.driver().findElement(By.xpath("//form//button[normalize-space(.)='Submit']"));
        assertThat(submit.isEnabled()).isFalse();
        type("#f-type", "no-such-type");
        type("#f-payload", "{}");
        b.clickButton(".page-submit form", "Submit");
        // the server refuses the type: said next to the field, and nothing was stored
        assertThat(b.waitFor("#f-type-error").getText()).contains("no-such-type");
        assertThat(path()).isEqualTo("/submit");
        assertThat(http.get("/api/jobs/stats").json().path("total").asLong()).isEqualTo(before);
    }

    @Test
    void runningTheDemoDefinitionShowsEveryStepFinishInTheGraph() {
        b.open("/definitions");
        b.waitFor("tr[data-definition=demo]");
        b.clickButton("tr[data-definition=demo]", "Run");
        b.waitUntil("the run's page opens", x -> path().startsWith("/runs/"), LONG);
        mark();
        String run = path().substring("/runs/".length());
        Set<String> seen = new LinkedHashSet<>();
        b.waitUntil("every step of the run ends", x -> {
            Map<String, String> steps = steps();
            steps.forEach((step, st) -> seen.add(step + ":" + st));
            return steps.size() == 6 && steps.values().stream().allMatch(st -> Set.of("completed", "failed").contains(st))
                    && x.present(".page-run[data-status=completed]");
        }, LONG);
        assertThat(steps()).containsExactlyInAnyOrderEntriesOf(Map.of("prepare", "completed", "fetch", "completed", "index", "completed",
                "optional-check", "failed", "report", "completed", "cleanup", "completed"));
        // it was watched filling in, not only found finished
        assertThat(seen).anyMatch(s -> s.endsWith(":running") || s.endsWith(":waiting") || s.endsWith(":not started"));
        assertThat(notReloaded()).isTrue();
        assertThat(status(http, run)).isEqualTo("completed");
        b.click(".graph .node[data-step=fetch]");
        b.waitFor(".step-panel[data-step=fetch]");
    }

    private Map<String, String> steps() {
        Map<String, String> out = new TreeMap<>();
        for (WebElement n : b.all(".graph .node")) out.put(n.getAttribute("data-step"), n.getAttribute("data-status"));
        return out;
    }

    @Test
    void aRunningSleepJobIsCancelledFromItsPage() {
        String id = submit(http, "{\"type\": \"sleep\", \"payload\": {\"ms\": 60000}}");
        b.open("/jobs/" + id);
        b.waitFor(".page-job[data-status=running]", LONG);
        b.clickButton(".page-job .actions", "Cancel");
        assertThat(b.waitFor("dialog.confirm").getText()).contains("Cancel this job?");
        b.confirm();
        b.waitFor(".page-job[data-status=cancelled]", LONG);
        assertThat(status(http, id)).isEqualTo("cancelled");
        assertThat(b.present(".page-job .actions")).isTrue();
        assertThat(b.all(".page-job .actions button").stream().map(WebElement::getText)).containsExactly("Restart", "Delete");
    }

    @Test
    void aFailedJobIsRestartedFromTheDeadLetterView() {
        String message = "flaky " + System.nanoTime();
        String id = submit(http, "{\"type\": \"fail\", \"max_attempts\": 1, \"payload\": {\"times\": 1, \"message\": \"" + message + "\"}}");
        await().atMost(LONG).until(() -> status(http, id).equals("failed"));
        b.open("/dead-letter");
        String group = ".group[data-type=fail]";
        b.waitUntil("the group of the failure is shown", x -> x.all(group).stream().anyMatch(g -> g.getText().contains(message)));
        WebElement g = b.all(group).stream().filter(e -> e.getText().contains(message)).findFirst().orElseThrow();
        g.findElement(By.xpath(".//button[normalize-space(.)='Show jobs']")).click();
        b.waitUntil("the group's jobs are listed", x -> !g.findElements(By.cssSelector("tr[data-job-id='" + id + "']")).isEmpty());
        g.findElement(By.xpath(".//button[starts-with(normalize-space(.), 'Restart " + id.substring(0, 8) + "')]")).click();
        await().atMost(LONG).until(() -> status(http, id).equals("completed"));
        assertThat(http.get("/api/jobs/" + id).json().path("attempt").asInt()).isEqualTo(2);
        b.waitUntil("the group is gone", x -> x.all(group).stream().noneMatch(e -> e.getText().contains(message)), LONG);
    }

    @Test
    void aLogIsFollowedAsItsLinesArrive() {
        String id = submit(http, "{\"type\": \"talk\", \"payload\": {\"lines\": 12, \"ms\": 350}}");
        b.open("/jobs/" + id);
        b.waitFor(".page-job ol.log");
        Set<Integer> counts = new LinkedHashSet<>();
        Set<String> progress = new LinkedHashSet<>();
        b.waitUntil("all 12 lines arrive", x -> {
            counts.add(x.all("ol.log li[data-seq]").size());
            x.all(".page-job [role=progressbar]").forEach(p -> progress.add(p.getAttribute("aria-valuenow")));
            return counts.contains(12);
        }, LONG);
        assertThat(counts.stream().filter(n -> n > 0 && n < 12).count()).as("lines seen arriving, not only at the end: " + counts).isGreaterThanOrEqualTo(3);
        assertThat(progress.stream().filter(v -> !v.equals("0") && !v.equals("12")).count()).as("the progress bar moving: " + progress)
                .isGreaterThanOrEqualTo(2);
        b.waitFor(".page-job[data-status=completed]", LONG);
        Boolean atBottom = (Boolean) b.js("const l = document.querySelector('ol.log'); return l.scrollTop + l.clientHeight >= l.scrollHeight - 8;");
        assertThat(atBottom).as("follow keeps the newest line in view").isTrue();
        new org.openqa.selenium.support.ui.Select(b.driver().findElement(By.cssSelector(".log-tools select[name=level]"))).selectByValue("warn");
        b.waitUntil("only warnings are shown", x -> x.all("ol.log li[data-seq]").size() == 6);
        assertThat(b.all("ol.log li[data-seq]").stream().map(WebElement::getText)).allMatch(t -> t.contains("WARN"));
    }

    @Test
    void aLongLogShowsItsEndFirstAndOlderLinesOnRequest() {
        String id = submit(http, "{\"type\": \"talk\", \"payload\": {\"lines\": 620}}");
        await().atMost(LONG).until(() -> status(http, id).equals("completed"));
        b.open("/jobs/" + id);
        b.waitFor(".page-job ol.log li[data-seq]");
        List<WebElement> lines = b.all("ol.log li[data-seq]");
        assertThat(lines).hasSize(500);
        assertThat(lines.get(499).getText()).endsWith("line 620");
        assertThat(lines.get(0).getText()).endsWith("line 121");
        b.clickButton(".log-tools", "Load older lines");
        b.waitUntil("the older lines are there", x -> x.all("ol.log li[data-seq]").size() == 620);
        assertThat(b.all("ol.log li[data-seq]").get(0).getText()).endsWith("line 1");
        assertThat(b.present(".log-tools button")).as("nothing older left to load").isFalse();
    }

    @Test
    void aQueueIsPausedAndResumedFromTheOverview() {
        b.open("/");
        b.waitFor("tr[data-queue=mail]");
        b.clickButton("tr[data-queue=mail]", "Pause");
        b.waitFor("tr[data-queue=mail][data-paused=true]");
        assertThat(queue("mail").path("paused").asBoolean()).isTrue();
        b.clickButton("tr[data-queue=mail]", "Resume");
        b.waitFor("tr[data-queue=mail][data-paused=false]");
        assertThat(queue("mail").path("paused").asBoolean()).isFalse();
    }

    private JsonNode queue(String name) {
        for (JsonNode q : http.get("/api/queue/stats").json().path("queues")) if (q.path("queue").asText().equals(name)) return q;
        throw new AssertionError("no queue " + name);
    }

    @Test
    void selectedJobsAreCancelledTogetherAfterAConfirmationThatSaysHowMany() {
        String tag = "bulk" + System.nanoTime();
        List<String> ids = List.of(submit(http, "{\"type\": \"noop\", \"delay\": \"1h\", \"queue\": \"mail\", \"tags\": [\"" + tag + "\"]}"),
                submit(http, "{\"type\": \"noop\", \"delay\": \"1h\", \"queue\": \"mail\"}"),
                submit(http, "{\"type\": \"noop\", \"delay\": \"1h\", \"queue\": \"mail\"}"));
        b.open("/jobs?queue=mail&status=scheduled");
        for (String id : ids) b.click("tr[data-job-id='" + id + "'] input[type=checkbox]");
        assertThat(b.waitFor(".bulk-bar").getText()).contains("3 jobs selected");
        b.clickButton(".bulk-bar", "Cancel");
        assertThat(b.waitFor("dialog.confirm").getText()).contains("Cancel 3 jobs?");
        b.confirm();
        assertThat(b.waitFor("#bulk-result").getText()).contains("3 matched, 3 done, 0 refused");
        for (String id : ids) assertThat(status(http, id)).isEqualTo("cancelled");
    }

    @Test
    void theJobsListShowsNewJobsAndStatusChangesWithoutAReload() {
        b.open("/jobs?type=talk");
        b.waitFor(".page-jobs");
        mark();
        String id = submit(http, "{\"type\": \"talk\", \"payload\": {\"lines\": 6, \"ms\": 300}}");
        b.waitFor("tr[data-job-id='" + id + "']", LONG);
        b.waitFor("tr[data-job-id='" + id + "'][data-status=completed]", LONG);
        assertThat(notReloaded()).isTrue();
    }

    @Test
    void anInvalidDefinitionShowsEachProblemAtItsFieldAndStoresNothing() {
        String yaml = "id: broken-one\nsteps:\n  - name: first\n    action: noop\n  - name: second\n    action: noop\n    depends: [nope]\n";
        b.open("/new-definition");
        b.waitFor("#definition-source");
        type("#definition-source", yaml);
        b.clickButton(".page-definition", "Validate");
        WebElement note = b.waitFor(".note-at[data-field='steps[1].depends[0]']");
        assertThat(note.getAttribute("data-line")).as("the line of 'depends: [nope]'").isEqualTo("7");
        assertThat(note.getText()).contains("nope");
        b.clickButton(".page-definition", "Create");
        assertThat(b.waitFor(".page-definition .error-note").getText()).contains("Nothing was stored");
        assertThat(http.get("/api/jobs/definitions/broken-one").status()).isEqualTo(404);
        type("#definition-source", yaml.replace("[nope]", "[first]"));
        b.clickButton(".page-definition", "Create");
        b.waitUntil("the new definition's page opens", x -> path().equals("/definitions/broken-one"), LONG);
        assertThat(http.get("/api/jobs/definitions/broken-one").status()).isEqualTo(200);
    }

    @Test
    void aWorkerLaunchedFromTheNodesPageJoinsTheCluster() {
        b.open("/nodes");
        b.waitFor("table.nodes");
        int before = b.all("tr[data-state=alive]").size();
        b.clickButton(".page-nodes form", "Launch worker");
        String note = b.waitFor(".page-nodes .note").getText();
        assertThat(note).startsWith("Worker worker-").contains("is starting");
        String node = note.substring("Worker ".length(), note.indexOf(' ', "Worker ".length()));
        b.waitFor("tr[data-node='" + node + "'][data-state=alive]", Duration.ofSeconds(60));
        assertThat(b.all("tr[data-state=alive]")).hasSize(before + 1);
    }

    @Test
    void hundredsOfEventsASecondAreDrawnAFewTimesASecond() {
        b.open("/jobs");
        b.waitFor(".page-jobs");
        b.js("window.__start = Object.assign({}, window.ordo.live, {at: performance.now()});");
        String fan = submit(http, "{\"type\": \"fan\", \"payload\": {\"children\": 3000, \"type\": \"noop\"}}");
        await().atMost(Duration.ofSeconds(60)).until(() -> status(http, fan).equals("completed"));
        b.waitUntil("the stream has caught up", x -> ((Number) x.js("return window.ordo.live.events - window.__start.events")).longValue() >= 6000,
                LONG);
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) b.js("const s = window.__start, l = window.ordo.live;"
                + " return {events: l.events - s.events, batches: l.batches - s.batches, seconds: (performance.now() - s.at) / 1000};");
        double seconds = ((Number) r.get("seconds")).doubleValue();
        long events = ((Number) r.get("events")).longValue(), batches = ((Number) r.get("batches")).longValue();
        assertThat(events / seconds).as("events a second").isGreaterThan(100);
        assertThat(batches / seconds).as("page updates a second, for %d events in %.1f s", events, seconds).isLessThanOrEqualTo(4.5);
        // and the page still answers at once
        b.click(".chips label.st-failed");
        b.waitUntil("the filter applies", x -> ((String) x.js("return location.search")).contains("status=failed"), Duration.ofSeconds(3));
    }
}
