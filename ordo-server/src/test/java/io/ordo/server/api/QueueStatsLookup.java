package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;

import static org.assertj.core.api.Assertions.assertThat;

/** One queue's entry of {@code GET /api/queue/stats}, for tests that hold their own server. */
final class QueueStatsLookup {
    private QueueStatsLookup() {
    }

    static JsonNode queue(Http http, String name) {
        Response r = http.get("/api/queue/stats");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (JsonNode q : r.json().path("queues")) if (q.path("queue").asText().equals(name)) return q;
        return null;
    }
}
