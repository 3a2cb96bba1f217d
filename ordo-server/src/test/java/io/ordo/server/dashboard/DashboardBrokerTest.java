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

/** With Redis carrying the queue, the overview shows each queue's broker count beside the store's. */
class DashboardBrokerTest {
    static final String REDIS = System.getenv().getOrDefault("ORDO_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    @Test
    void theOverviewShowsTheBrokersMessages(@TempDir Path dir) {
        String queue = "dash-" + UUID.randomUUID().toString().substring(0, 8);
        ServerOptions o = new ServerOptions().storeUrl("jdbc:sqlite:" + dir.resolve("ordo.db")).port(0).concurrency(0)
                .queueBackend(REDIS).definitionsDir(DashboardServer.DEFINITIONS);
        try (OrdoServer server = OrdoServer.create(o.resolve(Map.of())).start(); Http http = new Http(server.url());
             Browser b = new Browser(server.url(), 1280, 800)) {
            for (int i = 0; i < 3; i++) DashboardServer.submit(http, "{\"type\": \"noop\", \"queue\": \"" + queue + "\"}");
            b.open("/");
            b.waitFor("table.queues tr[data-queue='" + queue + "']", Duration.ofSeconds(20));
            assertThat(b.text("table.queues thead")).containsIgnoringCase("Broker messages");
            // the ninth cell after the queue's name: pending, scheduled, running, waiting, completed, failed, jobs/s, latency, broker
            String broker = "table.queues tr[data-queue='" + queue + "'] td:nth-of-type(9)";
            b.waitUntil("the broker's count is shown", x -> x.text(broker).trim().equals("3"), Duration.ofSeconds(20));
            b.screenshot("overview-broker");
            assertThat(b.problems()).isEmpty();
            server.ordo().queues().purge(queue);
        }
    }
}
