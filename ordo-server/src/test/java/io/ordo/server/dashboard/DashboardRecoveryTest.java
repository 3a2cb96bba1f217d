package io.ordo.server.dashboard;

import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.ordo.server.dashboard.DashboardServer.status;
import static io.ordo.server.dashboard.DashboardServer.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Nothing is lost on a refresh, and a page that loses the server says so and carries on when it is back. */
class DashboardRecoveryTest {
    static final Duration LONG = Duration.ofSeconds(40);
    static final String SLOW = """
            id: slow-three
            steps:
              - name: one
                action: sleep
                config: { ms: 1500 }
              - name: two
                action: sleep
                depends: [one]
                config: { ms: 1500 }
              - name: three
                action: sleep
                depends: [two]
                config: { ms: 1500 }
            """;

    @TempDir
    Path dir;

    private static Map<String, String> steps(Browser b) {
        Map<String, String> out = new TreeMap<>();
        for (WebElement n : b.all(".graph .node")) out.put(n.getAttribute("data-step"), n.getAttribute("data-status"));
        return out;
    }

    @Test
    void aRunPageReloadedMidRunShowsWhatHappenedAndGoesOnLive() {
        try (OrdoServer server = DashboardServer.start(dir); Http http = new Http(server.url()); Browser b = new Browser(server.url(), 1280, 800)) {
            assertThat(http.post("/api/jobs/definitions", "{\"source\": " + io.ordo.server.api.ApiJson.write(SLOW) + ", \"format\": \"yaml\"}").status())
                    .isEqualTo(201);
            String run = http.post("/api/jobs/definitions/slow-three/execute", "").json().path("job_id").asText();
            b.open("/runs/" + run);
            b.waitUntil("step one ends", x -> "completed".equals(steps(x).get("one")), LONG);
            b.driver().navigate().refresh();
            // the first drawing after the reload already has what happened before it
            b.waitFor(".graph .node[data-step=one]");
            assertThat(steps(b).get("one")).isEqualTo("completed");
            assertThat(status(http, run)).isIn("waiting", "running");
            b.js("window.__notReloaded = true");
            b.waitUntil("every step ends", x -> steps(x).values().stream().allMatch("completed"::equals)
                    && x.present(".page-run[data-status=completed]"), LONG);
            assertThat(b.js("return window.__notReloaded === true")).isEqualTo(true);
            assertThat(b.problems()).isEmpty();
        }
    }

    @Test
    void losingTheServerShowsABannerAndThePageRecoversWhenItIsBack() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        OrdoServer first = DashboardServer.start(dir, port, List.of(), List.of());
        Browser b = new Browser(first.url(), 1280, 800);
        try {
            Http http = new Http(first.url());
            String before = submit(http, "{\"type\": \"noop\"}");
            b.open("/jobs?type=noop");
            b.waitFor("tr[data-job-id='" + before + "']");
            assertThat(b.present("#connection-banner")).isFalse();
            first.close();
            b.waitFor("#connection-banner", LONG);
            b.screenshot("server-unreachable");
            try (OrdoServer second = DashboardServer.start(dir, port, List.of(), List.of())) {
                b.waitUntil("the banner goes away", x -> !x.present("#connection-banner"), LONG);
                String after = submit(http, "{\"type\": \"noop\"}");
                b.waitFor("tr[data-job-id='" + after + "'][data-status=completed]", LONG);
                assertThat(b.present("tr[data-job-id='" + before + "']")).isTrue();
                // while the server was away the browser said so (connection refused); nothing else went wrong
                assertThat(b.problems()).allMatch(p -> p.contains("ERR_CONNECTION_REFUSED") || p.contains("ERR_INCOMPLETE_CHUNKED_ENCODING")
                        || p.contains("ERR_EMPTY_RESPONSE") || p.contains("ERR_CONNECTION_RESET"));
                await().until(() -> status(http, after).equals("completed"));
            }
            http.close();
        } finally {
            b.close();
            first.close();
        }
    }
}
