package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.ApiTestServer;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code PUT|GET|DELETE /api/queues/{q}/settings}, the same for types, {@code GET /api/limits}, and the limits in queue stats. */
class LimitRoutesTest {
    static OrdoServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = ApiTestServer.start();
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    private static String name() {
        return "lim-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonNode ok(Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    @Test
    void settingsAreSetMergedShownAndCleared() {
        String q = name();
        JsonNode s = ok(http.send("PUT", "/api/queues/" + q + "/settings", "{\"capacity\": 2, \"max_running\": 3, \"rate\": \"100/1m\"}"));
        assertThat(s.path("queue").asText()).isEqualTo(q);
        assertThat(s.path("capacity").asInt()).isEqualTo(2);
        assertThat(s.path("max_running").asInt()).isEqualTo(3);
        assertThat(s.path("rate").asText()).isEqualTo("100/1m");
        assertThat(s.path("rate_window_used").asLong()).isZero();

        // left out: kept; null: cleared
        s = ok(http.send("PUT", "/api/queues/" + q + "/settings", "{\"max_running\": null, \"rate\": \"5/10s\"}"));
        assertThat(s.path("capacity").asInt()).isEqualTo(2);
        assertThat(s.path("max_running").isNull()).isTrue();
        assertThat(s.path("rate").asText()).isEqualTo("5/10s");
        assertThat(ok(http.get("/api/queues/" + q + "/settings")).path("rate").asText()).isEqualTo("5/10s");

        // the stored capacity is enforced at submit (this node sees its own change at once)
        for (int i = 0; i < 2; i++) assertThat(http.post("/api/jobs", "{\"type\": \"noop\", \"queue\": \"" + q + "\", \"delay\": \"1h\"}").status()).isEqualTo(202);
        Response full = http.post("/api/jobs", "{\"type\": \"noop\", \"queue\": \"" + q + "\", \"delay\": \"1h\"}");
        assertThat(full.status()).as(full.toString()).isEqualTo(429);
        assertThat(full.json().path("error").path("message").asText()).contains("capacity 2");

        JsonNode stats = QueueStatsLookup.queue(http, q);
        assertThat(stats.path("settings").path("capacity").asInt()).isEqualTo(2);
        assertThat(stats.path("settings").path("rate").asText()).isEqualTo("5/10s");
        boolean listed = false;
        for (JsonNode l : ok(http.get("/api/limits")).path("limits")) listed |= l.path("name").asText().equals(q) && l.path("scope").asText().equals("queue");
        assertThat(listed).isTrue();

        JsonNode cleared = ok(http.send("DELETE", "/api/queues/" + q + "/settings", ""));
        assertThat(cleared.path("cleared").asBoolean()).isTrue();
        assertThat(cleared.path("capacity").isNull()).isTrue();
        assertThat(ok(http.send("DELETE", "/api/queues/" + q + "/settings", "")).path("cleared").asBoolean()).isFalse();
        assertThat(QueueStatsLookup.queue(http, q).has("settings")).isFalse();
        assertThat(http.post("/api/jobs", "{\"type\": \"noop\", \"queue\": \"" + q + "\", \"delay\": \"1h\"}").status()).isEqualTo(202);
    }

    @Test
    void typesHaveTheirOwnSettings() {
        String t = name();
        JsonNode s = ok(http.send("PUT", "/api/types/" + t + "/settings", "{\"max_running\": 1}"));
        assertThat(s.path("type").asText()).isEqualTo(t);
        assertThat(s.path("max_running").asInt()).isEqualTo(1);
        assertThat(ok(http.get("/api/queues/" + t + "/settings")).path("max_running").isNull()).as("a queue of the same name is apart").isTrue();
        ok(http.send("DELETE", "/api/types/" + t + "/settings", ""));
    }

    @Test
    void badInputIsRefusedWholeAndChangesNothing() {
        String q = name();
        ok(http.send("PUT", "/api/queues/" + q + "/settings", "{\"capacity\": 7, \"rate\": \"10/1m\"}"));
        String[][] bad = {
                {"{\"rate\": \"0/1m\"}", "N must be at least 1"},
                {"{\"rate\": \"5/0s\"}", "longer than zero"},
                {"{\"rate\": \"5/xyz\"}", "must be a duration"},
                {"{\"rate\": \"abc\"}", "N/DURATION"},
                {"{\"rate\": 5}", "rate"},
                {"{\"capacity\": 0, \"max_running\": 2}", "at least 1"},
                {"{\"max_running\": -3, \"capacity\": 9}", "at least 1"},
                {"{\"capacity\": 1.5}", "integer"},
                {"{\"capacity\": 9, \"burst\": 3}", "unknown field 'burst'"},
                {"[1]", "JSON object"},
        };
        for (String[] b : bad) {
            Response r = http.send("PUT", "/api/queues/" + q + "/settings", b[0]);
            assertThat(r.status()).as(b[0] + " -> " + r).isEqualTo(400);
            assertThat(r.json().path("error").path("message").asText()).as(b[0]).contains(b[1]);
        }
        JsonNode now = ok(http.get("/api/queues/" + q + "/settings"));
        assertThat(now.path("capacity").asInt()).as("nothing half-applied").isEqualTo(7);
        assertThat(now.path("max_running").isNull()).isTrue();
        assertThat(now.path("rate").asText()).isEqualTo("10/1m");
        assertThat(http.send("PUT", "/api/queues/bad%20name/settings", "{\"capacity\": 1}").status()).isEqualTo(400);
    }
}
