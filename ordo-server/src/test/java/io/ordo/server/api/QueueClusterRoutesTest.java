package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.ApiTestServer;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code GET /api/queue/stats}, {@code POST /api/queues/{q}/pause|resume}, {@code GET /api/cluster/nodes}. */
class QueueClusterRoutesTest {
    static final Set<String> QUEUE_FIELDS = Set.of("queue", "pending", "scheduled", "running", "waiting", "completed_last_minute",
            "failed_last_minute", "completed_last_hour", "failed_last_hour", "throughput_per_second", "start_latency_p50_ms",
            "start_latency_p95_ms", "paused");
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

    static JsonNode queue(String name) {
        Response r = http.get("/api/queue/stats");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        for (JsonNode q : r.json().path("queues")) if (q.path("queue").asText().equals(name)) return q;
        return null;
    }

    static String submit(String body) {
        Response r = http.post("/api/jobs", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().path("job_id").asText();
    }

    @Test
    void queueStatsCountEachQueueAndListConfiguredOnes() {
        String q = "qs-" + UUID.randomUUID().toString().substring(0, 8);
        submit("{\"type\": \"noop\", \"queue\": \"" + q + "\", \"delay\": \"1h\"}");
        submit("{\"type\": \"noop\", \"queue\": \"" + q + "\", \"delay\": \"1h\"}");

        JsonNode stats = queue(q);
        assertThat(stats).isNotNull();
        java.util.List<String> fields = new java.util.ArrayList<>();
        stats.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrderElementsOf(QUEUE_FIELDS);
        assertThat(stats.path("scheduled").asLong()).isEqualTo(2);
        assertThat(stats.path("pending").asLong()).isZero();
        assertThat(stats.path("paused").asBoolean()).isFalse();
        // configured but empty queues are listed too
        assertThat(queue("tiny")).isNotNull();
    }

    @Test
    void completionsShowInTheLastMinuteOnceTheNodeReports() {
        for (int i = 0; i < 3; i++) submit("{\"type\": \"noop\"}");
        await().atMost(Duration.ofSeconds(15)).until(() -> queue("default").path("completed_last_minute").asLong() >= 3);
        JsonNode d = queue("default");
        assertThat(d.path("completed_last_hour").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(d.path("throughput_per_second").asDouble()).isPositive();
        assertThat(d.path("start_latency_p50_ms").isIntegralNumber()).as(d.toString()).isTrue();
        assertThat(d.path("start_latency_p95_ms").asLong()).isGreaterThanOrEqualTo(d.path("start_latency_p50_ms").asLong());
    }

    @Test
    void aPausedQueueKeepsItsJobsPendingUntilResumed() {
        String q = "pz-" + UUID.randomUUID().toString().substring(0, 8);
        Response paused = http.post("/api/queues/default/pause", null);
        try {
            assertThat(paused.status()).as(paused.toString()).isEqualTo(200);
            assertThat(paused.json().path("paused").asBoolean()).isTrue();
            assertThat(queue("default").path("paused").asBoolean()).isTrue();
            String id = submit("{\"type\": \"noop\"}");
            // workers re-read flags every second: still pending well after that
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> http.get("/api/jobs/" + id).json().path("status").asText().equals("pending"));

            Response resumed = http.post("/api/queues/default/resume", "{}");
            assertThat(resumed.status()).as(resumed.toString()).isEqualTo(200);
            assertThat(resumed.json().path("paused").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/jobs/" + id).json().path("status").asText().equals("completed"));
            assertThat(queue("default").path("paused").asBoolean()).isFalse();
        } finally {
            http.post("/api/queues/default/resume", null);
        }
        // a queue without jobs can be paused ahead of time
        assertThat(http.post("/api/queues/" + q + "/pause", null).status()).isEqualTo(200);
        assertThat(queue(q).path("paused").asBoolean()).isTrue();
    }

    @Test
    void purgeCancelsTheQueuesWaitingJobsOnly() {
        String q = "pg-" + UUID.randomUUID().toString().substring(0, 8);
        String a = submit("{\"type\": \"noop\", \"queue\": \"" + q + "\", \"delay\": \"1h\"}");
        String b = submit("{\"type\": \"noop\", \"queue\": \"" + q + "\", \"delay\": \"1h\"}");
        String elsewhere = submit("{\"type\": \"noop\", \"queue\": \"" + q + "-x\", \"delay\": \"1h\"}");
        Response r = http.post("/api/queues/" + q + "/purge", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("queue").asText()).isEqualTo(q);
        assertThat(r.json().path("cancelled").asInt()).isEqualTo(2);
        assertThat(r.json().path("transport_messages_dropped").asInt()).isZero();
        for (String id : new String[]{a, b}) {
            JsonNode job = http.get("/api/jobs/" + id).json();
            assertThat(job.path("status").asText()).isEqualTo("cancelled");
            assertThat(job.path("error").asText()).isEqualTo("purged from queue " + q);
        }
        assertThat(http.get("/api/jobs/" + elsewhere).json().path("status").asText()).isEqualTo("scheduled");
        assertThat(queue(q).has("transport_messages")).isFalse(); // the store is the queue here
        assertThat(http.post("/api/queues/bad%20name/purge", null).status()).isEqualTo(400);
        assertThat(http.post("/api/queues/" + q + "/purge", "{\"all\": true}").status()).isEqualTo(400);
        assertThat(http.get("/api/queues/" + q + "/purge").status()).isEqualTo(405);
    }

    @Test
    void badQueueNamesBodiesAndParametersAre400() {
        for (Response r : new Response[]{http.post("/api/queues/bad%20name/pause", null), http.post("/api/queues/-x/resume", null),
                http.post("/api/queues/default/pause", "{\"until\": \"1h\"}"), http.post("/api/queues/default/pause", "nope"),
                http.get("/api/queue/stats?queue=default"), http.get("/api/cluster/nodes?x=1")}) {
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_request");
        }
        assertThat(queue("default").path("paused").asBoolean()).isFalse();
        assertThat(http.get("/api/queues/default/pause").status()).isEqualTo(405);
    }

    @Test
    void nodesListThisNodeAlive() {
        String node = server.ordo().config().nodeId();
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/cluster/nodes").json().path("nodes").size() > 0);

        Response r = http.get("/api/cluster/nodes");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode me = null;
        for (JsonNode n : r.json().path("nodes")) if (n.path("id").asText().equals(node)) me = n;
        assertThat(me).as(r.toString()).isNotNull();
        assertThat(me.path("state").asText()).isEqualTo("alive");
        assertThat(me.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(me.path("queues")).extracting(JsonNode::asText).contains("default");
        assertThat(me.path("types")).extracting(JsonNode::asText).contains("noop", "talk");
        assertThat(me.path("slots").asInt()).isPositive();
        assertThat(me.path("stopped_at").isNull()).isTrue();
    }
}
