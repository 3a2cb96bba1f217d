package io.ordo.server.dashboard;

import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.ordo.server.dashboard.DashboardServer.status;
import static io.ordo.server.dashboard.DashboardServer.submit;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard on PostgreSQL, shown by a node that runs no jobs while another node runs them: what
 * happens on the other node appears live here, and the nodes page lists both.
 */
class DashboardPostgresTest {
    static final Duration LONG = Duration.ofSeconds(40);
    final String base = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
    final String schema = "dash_" + Long.toHexString(System.nanoTime());

    @AfterEach
    void dropSchema() throws Exception {
        try (Connection c = DriverManager.getConnection(base, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private OrdoServer node(int slots) {
        ServerOptions o = new ServerOptions().storeUrl(base + "?user=postgres&currentSchema=" + schema).port(0).concurrency(slots)
                .shutdownGrace(Duration.ofMillis(500)).definitionsDir(DashboardServer.DEFINITIONS);
        return OrdoServer.create(o.resolve(Map.of())).start();
    }

    @Test
    void jobsRunByAnotherNodeAreShownLiveAndBothNodesAreListed() {
        try (OrdoServer viewer = node(0); OrdoServer worker = node(4); Http http = new Http(viewer.url());
             Browser b = new Browser(viewer.url(), 1280, 800)) {
            b.open("/jobs?type=sleep");
            b.waitFor(".page-jobs");
            b.js("window.__notReloaded = true");
            String id = submit(http, "{\"type\": \"sleep\", \"payload\": {\"ms\": 1500}}");
            b.waitFor("tr[data-job-id='" + id + "'][data-status=running]", LONG);
            b.waitFor("tr[data-job-id='" + id + "'][data-status=completed]", LONG);
            assertThat(b.js("return window.__notReloaded === true")).isEqualTo(true);
            assertThat(http.get("/api/jobs/" + id).json().path("lease_owner").asText()).isEqualTo(worker.ordo().config().nodeId());

            b.open("/nodes");
            b.waitUntil("both nodes are alive", x -> x.all("tr[data-state=alive]").size() == 2, LONG);
            assertThat(b.text("tr[data-node='" + worker.ordo().config().nodeId() + "']")).contains("/ 4");

            b.open("/definitions");
            b.clickButton("tr[data-definition=demo]", "Run");
            b.waitUntil("the run's page opens", x -> ((String) x.js("return location.pathname")).startsWith("/runs/"), LONG);
            b.waitUntil("every step ends", x -> {
                Map<String, String> steps = new TreeMap<>();
                for (WebElement n : x.all(".graph .node")) steps.put(n.getAttribute("data-step"), n.getAttribute("data-status"));
                return steps.size() == 6 && steps.values().stream().allMatch(Set.of("completed", "failed")::contains);
            }, LONG);
            String run = ((String) b.js("return location.pathname")).substring("/runs/".length());
            b.waitFor(".page-run[data-status=completed]", LONG);
            assertThat(status(http, run)).isEqualTo("completed");
            b.screenshot("postgres-run");
            assertThat(b.problems()).isEmpty();
        }
    }
}
