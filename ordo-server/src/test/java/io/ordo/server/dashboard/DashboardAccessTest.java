package io.ordo.server.dashboard;

import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard on a server with API tokens: the login page, the session cookie, logout, and what a read token sees. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardAccessTest {
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String READ = "read-token-0123456789abcdef";
    /** Labels of every control that changes something. */
    static final Set<String> MUTATING = Set.of("Cancel", "Restart", "Delete", "Pause", "Resume", "Run", "Submit", "Submit a job", "Save",
            "Create", "Validate", "Restart all", "Delete all", "Launch worker", "New definition");
    @TempDir
    static Path dir;
    OrdoServer server;
    String failedJob;
    String run;

    @BeforeAll
    void start() throws Exception {
        server = DashboardServer.start(dir, 0, List.of(ADMIN), List.of(READ));
        failedJob = post("/api/jobs", "{\"type\": \"fail\", \"max_attempts\": 1}");
        run = post("/api/jobs/definitions/demo/execute", "");
        await().atMost(Duration.ofSeconds(30)).until(() -> status(failedJob).equals("failed") && status(run).equals("completed"));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private String post(String path, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI.create(server.url() + path))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return io.ordo.server.api.ApiJson.read(r.body()).path("job_id").asText();
    }

    private String status(String id) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI.create(server.url() + "/api/jobs/" + id))
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        return io.ordo.server.api.ApiJson.read(r.body()).path("status").asText();
    }

    private static String path(Browser b) {
        return (String) b.js("return location.pathname + location.search");
    }

    private static void logIn(Browser b, String token) {
        b.waitFor("#token").sendKeys(token);
        b.click("form[action='/login'] button[type=submit]");
    }

    @Test
    void aVisitWithoutASessionShowsTheLoginPageThenThePageAskedFor() {
        try (Browser b = new Browser(server.url(), 1280, 800)) {
            b.open("/definitions/demo");
            b.waitFor("#token");
            assertThat(path(b)).isEqualTo("/login?next=%2Fdefinitions%2Fdemo");
            b.screenshot("login");
            logIn(b, "not-the-right-token-0000");
            assertThat(b.waitFor(".err").getText()).isEqualTo("That token is not valid.");
            // the form's answer to a wrong token is a 401 page, which the browser notes; that and nothing else
            assertThat(b.problems()).singleElement().asString().endsWith("/login - Failed to load resource: the server responded with a status of 401 (Unauthorized)");
            logIn(b, ADMIN);
            b.waitFor(".page-definition textarea");
            assertThat(path(b)).isEqualTo("/definitions/demo");
            assertThat(b.text("header .role")).isEqualToIgnoringCase("admin");
            assertThat(buttons(b)).contains("Run", "Delete", "Save", "Validate");
            // the cookie carries every page and the live stream
            b.open("/jobs");
            b.waitFor(".page-jobs table.jobs");
            b.waitUntil("the event stream is open", x -> ((Number) x.js("return window.ordo.live.reconnects")).intValue() >= 1);
            b.clickButton("header .who", "Log out");
            b.waitFor("#token");
            b.open("/jobs");
            b.waitFor("#token");
            assertThat(path(b)).startsWith("/login?next=");
            assertThat(b.problems()).isEmpty();
        }
    }

    @Test
    void aReadTokenSeesEveryPageWithoutAnyControlThatChangesThingsAndTheServerRefusesThemAnyway() {
        try (Browser b = new Browser(server.url(), 1280, 800)) {
            b.open("/login");
            logIn(b, READ);
            b.waitFor(".page-overview");
            assertThat(b.text("header .role")).isEqualToIgnoringCase("read");
            Map<String, String> pages = new java.util.LinkedHashMap<>();
            pages.put("/", ".page-overview .queues");
            pages.put("/jobs", ".page-jobs table.jobs");
            pages.put("/jobs/" + failedJob, ".page-job[data-status=failed]");
            pages.put("/runs/" + run, ".page-run svg.graph");
            pages.put("/definitions", "table.definitions");
            pages.put("/definitions/demo", ".page-definition textarea");
            pages.put("/dead-letter", ".groups .group");
            pages.put("/nodes", "table.nodes");
            pages.put("/submit", ".page-submit");
            List<String> shown = new ArrayList<>();
            pages.forEach((page, ready) -> {
                b.open(page);
                b.waitFor(ready);
                if (page.startsWith("/dead-letter")) b.clickButton(".groups .group", "Show jobs");
                buttons(b).stream().filter(MUTATING::contains).forEach(label -> shown.add(page + ": " + label));
                if (!b.all("input[type=checkbox][aria-label^='Select']").isEmpty()) shown.add(page + ": selection checkboxes");
            });
            assertThat(shown).as("mutating controls shown to a read token").isEmpty();
            b.open("/definitions/demo");
            assertThat(b.waitFor("#definition-source").getAttribute("readonly")).isNotNull();
            b.screenshot("read-token-job");
            // what the page does not offer, the server does not allow either
            Object restart = b.js("return fetch('/api/jobs/" + failedJob + "/restart', {method: 'POST'}).then(r => r.status)");
            assertThat(((Number) restart).intValue()).isEqualTo(403);
            Object pause = b.js("return fetch('/api/queues/default/pause', {method: 'POST'}).then(r => r.status)");
            assertThat(((Number) pause).intValue()).isEqualTo(403);
            assertThat(b.problems()).isEmpty();
        }
    }

    /** The visible buttons and button-like links of the page. */
    private static List<String> buttons(Browser b) {
        List<String> out = new ArrayList<>();
        for (WebElement e : b.all("main button, main a.btn")) if (e.isDisplayed()) out.add(e.getText().trim());
        return out;
    }
}
