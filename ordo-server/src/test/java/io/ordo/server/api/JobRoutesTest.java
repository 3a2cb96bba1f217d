package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.JobStatus;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The happy paths of every route: status codes and exact body shapes. */
class JobRoutesTest {
    static final Set<String> JOB_FIELDS = Set.of("id", "type", "queue", "priority", "payload", "status", "attempt",
            "max_attempts", "run_at", "lease_owner", "lease_until", "timeout", "parent_id", "root_id", "definition_id",
            "step", "depth", "progress", "result", "result_expires_at", "error", "warning", "errors", "unique_key", "cache_key",
            "webhook_url", "requires", "tags", "meta", "cancel_requested", "created_at", "started_at", "finished_at", "updated_at",
            "depends_on", "run_on_failure");
    static final Set<String> STATUSES = Set.of("scheduled", "pending", "running", "waiting", "completed", "failed", "cancelled", "skipped");

    static OrdoServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    static Response awaitStatus(String id, String status) {
        Response[] last = new Response[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            last[0] = http.get("/api/jobs/" + id);
            return last[0].json().path("status").asText().equals(status);
        });
        return last[0];
    }

    @Test
    void submitAnswers202WithIdStatusAndStatusUrl() {
        Response r = http.post("/api/jobs", "{\"type\": \"noop\"}");

        assertThat(r.status()).isEqualTo(202);
        assertThat(fields(r.json())).containsExactlyInAnyOrder("job_id", "status", "status_url", "created");
        String id = r.json().path("job_id").asText();
        assertThat(r.json().path("status").asText()).isIn("pending", "running", "completed");
        assertThat(r.json().path("status_url").asText()).isEqualTo("/api/jobs/" + id);
        assertThat(r.json().path("created").asBoolean()).isTrue();
        assertThat(r.header("Location")).isEqualTo("/api/jobs/" + id);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(TestServer.job(server, id).type()).isEqualTo("noop");
    }

    @Test
    void getReturnsTheFullJobObjectWhichRunsToCompletion() {
        String id = http.post("/api/jobs", """
                {"type": "sleep", "payload": {"ms": 20}, "priority": 3, "timeout": "30s", "tags": ["a", "b"],
                 "max_attempts": 5, "result_ttl": "1h", "backoff": {"base": "10ms", "cap": "1s"}}""")
                .json().path("job_id").asText();

        JsonNode job = awaitStatus(id, "completed").json();

        assertThat(fields(job)).isEqualTo(JOB_FIELDS);
        assertThat(job.path("id").asText()).isEqualTo(id);
        assertThat(job.path("type").asText()).isEqualTo("sleep");
        assertThat(job.path("queue").asText()).isEqualTo("default");
        assertThat(job.path("priority").asInt()).isEqualTo(3);
        assertThat(job.path("payload").path("ms").asInt()).isEqualTo(20);
        assertThat(job.path("attempt").asInt()).isEqualTo(1);
        assertThat(job.path("max_attempts").asInt()).isEqualTo(5);
        assertThat(job.path("timeout").asText()).isEqualTo("30s");
        assertThat(job.path("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(job.path("result").path("slept_ms").asInt()).isEqualTo(20);
        assertThat(fields(job.path("progress"))).containsExactlyInAnyOrder("current", "total", "text");
        assertThat(job.path("errors").isArray()).isTrue();
        assertThat(job.path("error").isNull()).isTrue();
        assertThat(job.path("cancel_requested").asBoolean()).isFalse();
        assertThat(job.path("depth").asInt()).isZero();
        for (String t : List.of("created_at", "run_at", "started_at", "finished_at", "updated_at", "result_expires_at")) {
            assertThat(job.path(t).asText()).as(t).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(Instant.parse(job.path(t).asText())).as(t).isNotNull();
        }
    }

    @Test
    void failedAttemptsAppearInTheErrorHistory() {
        String id = http.post("/api/jobs", """
                {"type": "fail", "payload": {"times": 5, "message": "boom"}, "max_attempts": 2,
                 "backoff": {"base": "10ms", "cap": "20ms"}}""").json().path("job_id").asText();

        JsonNode job = awaitStatus(id, "failed").json();

        assertThat(job.path("attempt").asInt()).isEqualTo(2);
        assertThat(job.path("error").asText()).contains("boom");
        assertThat(job.path("errors")).hasSize(2);
        JsonNode first = job.path("errors").get(0);
        assertThat(fields(first)).containsExactlyInAnyOrder("attempt", "owner", "at", "reason", "message");
        assertThat(first.path("attempt").asInt()).isEqualTo(1);
        assertThat(first.path("reason").asText()).isEqualTo("error");
        assertThat(first.path("owner").asText()).isEqualTo(server.ordo().config().nodeId());
        assertThat(first.path("message").asText()).contains("boom (attempt 1)");
    }

    @Test
    void delayAndRunAtScheduleTheJob() {
        JsonNode delayed = http.post("/api/jobs", "{\"type\": \"noop\", \"delay\": \"1h\"}").json();
        JsonNode byMillis = http.post("/api/jobs", "{\"type\": \"noop\", \"delay\": 3600000}").json();
        JsonNode at = http.post("/api/jobs", "{\"type\": \"noop\", \"run_at\": \"2099-01-01T10:00:00+02:00\"}").json();

        assertThat(delayed.path("status").asText()).isEqualTo("scheduled");
        assertThat(byMillis.path("status").asText()).isEqualTo("scheduled");
        Instant runAt = Instant.parse(http.get(delayed.path("status_url").asText()).json().path("run_at").asText());
        assertThat(runAt).isBetween(Instant.now().plus(Duration.ofMinutes(59)), Instant.now().plus(Duration.ofMinutes(61)));
        assertThat(http.get(at.path("status_url").asText()).json().path("run_at").asText()).isEqualTo("2099-01-01T08:00:00.000Z");
    }

    @Test
    void aUniqueKeyResolvesToTheLiveJob() {
        String body = "{\"type\": \"noop\", \"queue\": \"tiny-unique\", \"unique_key\": \"once\"}";
        // tiny-unique has no worker here, so the first job stays live
        JsonNode first = http.post("/api/jobs", body).json();
        JsonNode second = http.post("/api/jobs", body).json();

        assertThat(second.path("job_id").asText()).isEqualTo(first.path("job_id").asText());
        assertThat(first.path("created").asBoolean()).isTrue();
        assertThat(second.path("created").asBoolean()).isFalse();
    }

    @Test
    void batchSubmitsAllJobsInOrder() {
        Response r = http.post("/api/jobs/batch", """
                {"jobs": [{"type": "noop"}, {"type": "noop", "priority": 1}, {"type": "sleep", "payload": {"ms": 1}}]}""");

        assertThat(r.status()).isEqualTo(202);
        assertThat(fields(r.json())).containsExactly("jobs");
        JsonNode jobs = r.json().path("jobs");
        assertThat(jobs).hasSize(3);
        Set<String> ids = new HashSet<>();
        for (JsonNode j : jobs) {
            assertThat(fields(j)).containsExactlyInAnyOrder("job_id", "status", "status_url", "created");
            ids.add(j.path("job_id").asText());
        }
        assertThat(ids).hasSize(3);
        assertThat(TestServer.job(server, jobs.get(2).path("job_id").asText()).type()).isEqualTo("sleep");
    }

    @Test
    void aBatchIsAllOrNothing() {
        long before = server.ordo().jobs().stats().total();

        Response r = http.post("/api/jobs/batch", "{\"jobs\": [{\"type\": \"noop\"}, {\"type\": \"no-such-type\"}]}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorMessage()).contains("job 1 of the batch").contains("no-such-type");
        assertThat(server.ordo().jobs().stats().total()).isEqualTo(before);
    }

    @Test
    void statsCountEveryStatusOverallAndPerQueue() {
        http.post("/api/jobs", "{\"type\": \"noop\", \"queue\": \"stats-q\", \"delay\": \"1h\"}");

        Response r = http.get("/api/jobs/stats");

        assertThat(r.status()).isEqualTo(200);
        assertThat(fields(r.json())).containsExactlyInAnyOrder("statuses", "total", "queues");
        assertThat(fields(r.json().path("statuses"))).isEqualTo(STATUSES);
        long sum = 0;
        for (JsonNode n : r.json().path("statuses")) sum += n.asLong();
        assertThat(r.json().path("total").asLong()).isEqualTo(sum).isPositive();
        JsonNode q = r.json().path("queues").path("stats-q");
        assertThat(fields(q)).isEqualTo(STATUSES);
        assertThat(q.path("scheduled").asLong()).isEqualTo(1);
    }

    @Test
    void healthSaysOkWithStoreAndNode() {
        Response r = http.get("/health");

        assertThat(r.status()).isEqualTo(200);
        assertThat(fields(r.json())).containsExactlyInAnyOrder("status", "store", "node", "queue_backend");
        assertThat(r.json().path("queue_backend").asText()).isEqualTo("memory"); // the store is the queue
        assertThat(r.json().path("status").asText()).isEqualTo("ok");
        assertThat(r.json().path("store").asText()).isEqualTo("memory");
        assertThat(r.json().path("node").asText()).isEqualTo(server.ordo().config().nodeId());
    }

    @Test
    void aFullQueueAnswers429AndWritesNothing() {
        // tiny holds at most 2 waiting jobs and no worker drains it
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 2; i++) statuses.add(http.post("/api/jobs", "{\"type\": \"noop\", \"queue\": \"tiny\"}").status());
        Response full = http.post("/api/jobs", "{\"type\": \"noop\", \"queue\": \"tiny\"}");

        assertThat(statuses).containsExactly(202, 202);
        assertThat(full.status()).isEqualTo(429);
        assertThat(full.errorCode()).isEqualTo("queue_full");
        assertThat(full.errorMessage()).contains("tiny");
        assertThat(server.ordo().jobs().stats().byQueue().get("tiny").get(JobStatus.PENDING)).isEqualTo(2);
    }

    static Set<String> fields(JsonNode n) {
        Set<String> out = new HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
