package io.ordo.server.dashboard;

import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A queue's stored limits show in the overview's queue table, in a column only there when a queue has them. */
class DashboardLimitsTest {
    @Test
    void theOverviewShowsAQueuesLimits(@TempDir Path dir) {
        String queue = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        ServerOptions o = new ServerOptions().storeUrl("jdbc:sqlite:" + dir.resolve("ordo.db")).port(0).concurrency(0)
                .definitionsDir(DashboardServer.DEFINITIONS);
        try (OrdoServer server = OrdoServer.create(o.resolve(Map.of())).start(); Http http = new Http(server.url());
             Browser b = new Browser(server.url(), 1280, 800)) {
            DashboardServer.submit(http, "{\"type\": \"noop\", \"queue\": \"" + queue + "\"}");
            b.open("/");
            b.waitFor("table.queues tr[data-queue='" + queue + "']", Duration.ofSeconds(20));
            assertThat(b.text("table.queues thead")).doesNotContainIgnoringCase("Limits");

            assertThat(http.send("PUT", "/api/queues/" + queue + "/settings",
                    "{\"capacity\": 100, \"max_running\": 3, \"rate\": \"50/1m\"}").status()).isEqualTo(200);
            b.open("/");
            String cell = "table.queues tr[data-queue='" + queue + "'] td.limits";
            b.waitFor(cell, Duration.ofSeconds(20));
            assertThat(b.text("table.queues thead")).containsIgnoringCase("Limits");
            assertThat(b.text(cell)).isEqualTo("cap 100 · run ≤ 3 · 50/1m (0 used)");
            b.screenshot("overview-limits");
            assertThat(b.problems()).isEmpty();
        }
    }
}
