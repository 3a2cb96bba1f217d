package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.ApiTestServer;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The routes the dashboard reads besides the job routes: queue history, the dead letter grouped (and
 * acted on by the error filter), a definition's runs and schedule, a log's tail and the page before it.
 */
class DashboardApiTest {
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

    static String submit(String body) {
        Response r = http.post("/api/jobs", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().path("job_id").asText();
    }

    static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(15)).until(() -> http.get("/api/jobs/" + id).json().path("status").asText().equals(status));
    }

    @Test
    void queueHistoryHasAValueForEveryMinuteOfTheWindow() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) ids.add(submit("{\"type\": \"noop\", \"queue\": \"default\"}"));
        ids.forEach(id -> awaitStatus(id, "completed"));
        // nodes report their minutes every few seconds
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            JsonNode q = http.get("/api/queue/history?minutes=5").json().path("queues").path("default");
            long done = 0;
            for (JsonNode n : q.path("completed")) done += n.asLong();
            return done >= 5;
        });
        JsonNode h = http.get("/api/queue/history?minutes=5").json();
        assertThat(h.path("minutes")).hasSize(5);
        assertThat(h.path("minutes").get(4).asText()).endsWith(":00.000Z");
        JsonNode q = h.path("queues").path("default");
        for (String series : List.of("completed", "failed", "start_latency_p50_ms", "start_latency_p95_ms", "avg_run_ms")) {
            assertThat(q.path(series)).as(series).hasSize(5);
        }
        assertThat(http.get("/api/queue/history").json().path("minutes")).hasSize(60);
        for (String bad : List.of("0", "121", "x", "-1")) {
            Response r = http.get("/api/queue/history?minutes=" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("minutes");
        }
    }

    @Test
    void theDeadLetterGroupsFailuresByTypeAndErrorAndAGroupIsRestartedByItsFilter() {
        String tag = Long.toString(System.nanoTime());
        List<String> a = new ArrayList<>(), b = new ArrayList<>();
        for (int i = 0; i < 3; i++) a.add(submit("{\"type\": \"fail\", \"max_attempts\": 1, \"payload\": {\"message\": \"a" + tag + "\"}}"));
        for (int i = 0; i < 2; i++) b.add(submit("{\"type\": \"fail\", \"max_attempts\": 1, \"payload\": {\"times\": 1, \"message\": \"b" + tag + "\"}}"));
        a.forEach(id -> awaitStatus(id, "failed"));
        b.forEach(id -> awaitStatus(id, "failed"));
        JsonNode dl = http.get("/api/jobs/dead-letter").json();
        assertThat(dl.path("failed_total").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(dl.path("scanned").asLong()).isEqualTo(dl.path("failed_total").asLong());
        JsonNode ga = group(dl, "a" + tag), gb = group(dl, "b" + tag);
        assertThat(ga.path("type").asText()).isEqualTo("fail");
        assertThat(ga.path("count").asInt()).isEqualTo(3);
        assertThat(gb.path("count").asInt()).isEqualTo(2);
        assertThat(ga.path("newest_job_id").asText()).isEqualTo(a.get(2));
        assertThat(ga.path("first_failed_at").asText()).isNotBlank();
        // the jobs list and a bulk action take the same exact error
        String error = gb.path("error").asText();
        JsonNode listed = http.get("/api/jobs?status=failed&error=" + URLEncoder.encode(error, StandardCharsets.UTF_8)).json();
        assertThat(listed.path("jobs")).hasSize(2);
        Response r = http.post("/api/jobs/bulk", "{\"action\": \"restart\", \"filter\": {\"status\": [\"failed\"], \"type\": \"fail\", \"error\": "
                + ApiJson.write(error) + "}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("succeeded").asInt()).isEqualTo(2);
        b.forEach(id -> awaitStatus(id, "completed"));
        a.forEach(id -> assertThat(http.get("/api/jobs/" + id).json().path("status").asText()).isEqualTo("failed"));
        assertThat(http.get("/api/jobs/dead-letter?scan=1").json().path("scanned").asInt()).isEqualTo(1);
        for (String bad : List.of("scan=0", "scan=50001", "limit=0", "x=1")) assertThat(http.get("/api/jobs/dead-letter?" + bad).status()).as(bad).isEqualTo(400);
    }

    private static JsonNode group(JsonNode dl, String message) {
        for (JsonNode g : dl.path("groups")) if (g.path("error").asText().contains(message)) return g;
        throw new AssertionError("no group for " + message + " in " + dl);
    }

    @Test
    void aDefinitionListsItsRunsNewestFirstAndSaysWhenItRunsNextAndHowItRanLast() {
        String yaml = "id: runs-test\\nschedule: \\\"0 * * * *\\\"\\nsteps:\\n  - name: only\\n    action: noop\\n";
        assertThat(http.post("/api/jobs/definitions", "{\"source\": \"" + yaml + "\", \"format\": \"yaml\"}").status()).isEqualTo(201);
        JsonNode before = http.get("/api/jobs/definitions/runs-test").json();
        assertThat(before.path("last_run").isNull()).isTrue();
        assertThat(before.path("next_run_at").asText()).endsWith(":00:00.000Z");
        String first = http.post("/api/jobs/definitions/runs-test/execute", "").json().path("job_id").asText();
        awaitStatus(first, "completed");
        String second = http.post("/api/jobs/definitions/runs-test/execute", "").json().path("job_id").asText();
        awaitStatus(second, "completed");
        JsonNode runs = http.get("/api/jobs/definitions/runs-test/runs?limit=1").json();
        assertThat(runs.path("jobs").get(0).path("id").asText()).isEqualTo(second);
        JsonNode next = http.get("/api/jobs/definitions/runs-test/runs?limit=1&cursor=" + runs.path("next_cursor").asText()).json();
        assertThat(next.path("jobs").get(0).path("id").asText()).isEqualTo(first);
        assertThat(next.path("next_cursor").isNull()).isTrue();
        JsonNode last = null;
        for (JsonNode d : http.get("/api/jobs/definitions").json().path("definitions")) if (d.path("id").asText().equals("runs-test")) last = d.path("last_run");
        assertThat(last).isNotNull();
        assertThat(last.path("id").asText()).isEqualTo(second);
        assertThat(last.path("status").asText()).isEqualTo("completed");
        assertThat(last.path("trigger").asText()).isEqualTo("manual");
        assertThat(http.get("/api/jobs/definitions/no-such/runs").json().path("jobs")).isEmpty();
    }

    @Test
    void aLogIsReadFromItsTailAndPagedBackwards() {
        String id = submit("{\"type\": \"talk\", \"payload\": {\"lines\": 30}}");
        awaitStatus(id, "completed");
        JsonNode tail = http.get("/api/jobs/" + id + "/logs?tail=10").json();
        assertThat(tail.path("logs")).hasSize(10);
        assertThat(tail.path("logs").get(0).path("message").asText()).isEqualTo("line 21");
        assertThat(tail.path("logs").get(9).path("message").asText()).isEqualTo("line 30");
        long firstSeq = tail.path("logs").get(0).path("seq").asLong();
        assertThat(tail.path("next_after").asLong()).isEqualTo(tail.path("logs").get(9).path("seq").asLong());
        JsonNode before = http.get("/api/jobs/" + id + "/logs?before=" + firstSeq + "&limit=5").json();
        assertThat(before.path("logs")).extracting(l -> l.path("message").asText()).containsExactly("line 16", "line 17", "line 18", "line 19", "line 20");
        assertThat(http.get("/api/jobs/" + id + "/logs?tail=1000").json().path("logs")).hasSize(30);
        for (String bad : List.of("tail=0", "tail=1001", "tail=5&after=1", "tail=5&before=9", "tail=5&limit=5", "before=x")) {
            assertThat(http.get("/api/jobs/" + id + "/logs?" + bad).status()).as(bad).isEqualTo(400);
        }
    }
}
