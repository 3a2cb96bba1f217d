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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cancel, restart, delete and bulk over HTTP, with the 404s, 409s and 400s of each. */
class JobActionRoutesTest {
    static final String UNKNOWN = "01900000-0000-7000-8000-000000000000";
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

    static JsonNode awaitStatus(String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            last[0] = http.get("/api/jobs/" + id).json();
            return last[0].path("status").asText().equals(status);
        });
        return last[0];
    }

    static void assertError(Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.errorCode()).as(r.toString()).isEqualTo(code);
    }

    @Test
    void cancelAScheduledJobCancelsItAtOnce() {
        String id = submit("{\"type\": \"noop\", \"delay\": \"1h\"}");

        Response r = http.post("/api/jobs/" + id + "/cancel", null);

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("job").path("status").asText()).isEqualTo("cancelled");
        assertThat(r.json().path("cancelled")).extracting(JsonNode::asText).containsExactly(id);
        assertThat(r.json().path("cancel_requested")).isEmpty();
        assertThat(http.get("/api/jobs/" + id).json().path("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void cancelARunningJobAsksItToStopAndItEndsCancelled() {
        String id = submit("{\"type\": \"sleep\", \"payload\": {\"ms\": 20000}}");
        awaitStatus(id, "running");

        Response r = http.post("/api/jobs/" + id + "/cancel", "{}");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("cancel_requested")).extracting(JsonNode::asText).containsExactly(id);
        awaitStatus(id, "cancelled");
    }

    @Test
    void cancelACompletedJobIs409AndChangesNothing() {
        String id = submit("{\"type\": \"noop\"}");
        awaitStatus(id, "completed");

        assertError(http.post("/api/jobs/" + id + "/cancel", null), 409, "conflict");
        assertThat(http.get("/api/jobs/" + id).json().path("status").asText()).isEqualTo("completed");
    }

    @Test
    void restartRequeuesAFailedJobAndRefusesACompletedOne() {
        String failed = submit("{\"type\": \"fail\", \"payload\": {\"times\": 1}, \"max_attempts\": 1}");
        awaitStatus(failed, "failed");

        Response r = http.post("/api/jobs/" + failed + "/restart", null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("id").asText()).isEqualTo(failed);
        // the fail handler fails only its first attempt: the restarted one completes
        awaitStatus(failed, "completed");

        assertError(http.post("/api/jobs/" + failed + "/restart", null), 409, "conflict");
        assertThat(http.get("/api/jobs/" + failed).json().path("status").asText()).isEqualTo("completed");
    }

    @Test
    void deleteRemovesATerminalJobAndRefusesARunningOne() {
        String done = submit("{\"type\": \"talk\", \"payload\": {\"lines\": 2}}");
        awaitStatus(done, "completed");
        Response r = http.send("DELETE", "/api/jobs/" + done, (String) null);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("deleted").asBoolean()).isTrue();
        assertError(http.get("/api/jobs/" + done), 404, "not_found");
        assertError(http.get("/api/jobs/" + done + "/logs"), 404, "not_found");

        String running = submit("{\"type\": \"sleep\", \"payload\": {\"ms\": 20000}}");
        awaitStatus(running, "running");
        assertError(http.send("DELETE", "/api/jobs/" + running, (String) null), 409, "conflict");
        assertThat(http.get("/api/jobs/" + running).json().path("status").asText()).isEqualTo("running");
        http.post("/api/jobs/" + running + "/cancel", null);
    }

    @Test
    void actionsOnUnknownOrMalformedIdsAre404Or400() {
        assertError(http.post("/api/jobs/" + UNKNOWN + "/cancel", null), 404, "not_found");
        assertError(http.post("/api/jobs/" + UNKNOWN + "/restart", null), 404, "not_found");
        assertError(http.send("DELETE", "/api/jobs/" + UNKNOWN, (String) null), 404, "not_found");
        assertError(http.post("/api/jobs/not-a-uuid/cancel", null), 400, "invalid_request");
        assertError(http.send("DELETE", "/api/jobs/not-a-uuid", (String) null), 400, "invalid_request");
    }

    @Test
    void actionsRefuseABodyWithFieldsOrQueryParameters() {
        String id = submit("{\"type\": \"noop\", \"delay\": \"1h\"}");
        Response body = http.post("/api/jobs/" + id + "/cancel", "{\"force\": true}");
        assertError(body, 400, "invalid_request");
        assertThat(body.errorMessage()).contains("force");
        assertError(http.post("/api/jobs/" + id + "/cancel", "{oops"), 400, "invalid_request");
        assertError(http.post("/api/jobs/" + id + "/cancel?force=true", null), 400, "invalid_request");
        // nothing happened
        assertThat(http.get("/api/jobs/" + id).json().path("status").asText()).isEqualTo("scheduled");
    }

    @Test
    void bulkByIdsActsOnEachAndReportsTheOnesItCannot() {
        String a = submit("{\"type\": \"noop\", \"delay\": \"1h\"}");
        String b = submit("{\"type\": \"noop\", \"delay\": \"1h\"}");
        String done = submit("{\"type\": \"noop\"}");
        awaitStatus(done, "completed");

        Response r = http.post("/api/jobs/bulk", "{\"action\": \"cancel\", \"ids\": [\"" + a + "\", \"" + b + "\", \"" + done + "\", \"" + UNKNOWN + "\"]}");

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("action").asText()).isEqualTo("cancel");
        assertThat(r.json().path("matched").asInt()).isEqualTo(4);
        assertThat(r.json().path("succeeded").asInt()).isEqualTo(2);
        List<String> failed = new ArrayList<>();
        r.json().path("failed").forEach(f -> failed.add(f.path("job_id").asText() + ":" + f.path("code").asText()));
        assertThat(failed).containsExactlyInAnyOrder(done + ":conflict", UNKNOWN + ":not_found");
        assertThat(http.get("/api/jobs/" + a).json().path("status").asText()).isEqualTo("cancelled");
        assertThat(http.get("/api/jobs/" + b).json().path("status").asText()).isEqualTo("cancelled");

        Response del = http.post("/api/jobs/bulk", "{\"action\": \"delete\", \"ids\": [\"" + a + "\", \"" + b + "\"]}");
        assertThat(del.json().path("succeeded").asInt()).as(del.toString()).isEqualTo(2);
        assertError(http.get("/api/jobs/" + a), 404, "not_found");
    }

    @Test
    void bulkByFilterActsOnlyOnTheMatchingJobsUpToMax() {
        String queue = "bulk-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) ids.add(submit("{\"type\": \"noop\", \"queue\": \"" + queue + "\", \"delay\": \"1h\"}"));
        String other = submit("{\"type\": \"noop\", \"queue\": \"x" + queue + "\", \"delay\": \"1h\"}");

        Response some = http.post("/api/jobs/bulk", "{\"action\": \"cancel\", \"filter\": {\"queue\": \"" + queue + "\"}, \"max\": 3}");
        assertThat(some.status()).as(some.toString()).isEqualTo(200);
        assertThat(some.json().path("succeeded").asInt()).isEqualTo(3);
        // newest first: the oldest is left
        assertThat(http.get("/api/jobs/" + ids.get(0)).json().path("status").asText()).isEqualTo("scheduled");

        Response restart = http.post("/api/jobs/bulk", "{\"action\": \"restart\", \"filter\": {\"queue\": \"" + queue + "\", \"status\": [\"cancelled\"]}}");
        assertThat(restart.json().path("matched").asInt()).as(restart.toString()).isEqualTo(3);
        assertThat(restart.json().path("succeeded").asInt()).isEqualTo(3);
        assertThat(http.get("/api/jobs/" + other).json().path("status").asText()).isEqualTo("scheduled");

        Response none = http.post("/api/jobs/bulk", "{\"action\": \"delete\", \"filter\": {\"queue\": \"nothing-" + queue + "\"}}");
        assertThat(none.json().path("matched").asInt()).isZero();
    }

    @Test
    void badBulkBodiesAre400AndActOnNothing() {
        String id = submit("{\"type\": \"noop\", \"delay\": \"1h\"}");
        String[] bodies = {
                "{\"action\": \"cancel\"}",
                "{\"action\": \"explode\", \"ids\": [\"" + id + "\"]}",
                "{\"action\": \"cancel\", \"ids\": [\"" + id + "\"], \"filter\": {\"queue\": \"default\"}}",
                "{\"action\": \"cancel\", \"ids\": []}",
                "{\"action\": \"cancel\", \"ids\": [\"" + id + "\", \"nope\"]}",
                "{\"action\": \"cancel\", \"ids\": \"" + id + "\"}",
                "{\"action\": \"cancel\", \"ids\": [\"" + id + "\"], \"max\": 3}",
                "{\"action\": \"cancel\", \"filter\": {}}",
                "{\"action\": \"cancel\", \"filter\": {\"status\": \"done\"}}",
                "{\"action\": \"cancel\", \"filter\": {\"queue\": 5}}",
                "{\"action\": \"cancel\", \"filter\": {\"colour\": \"red\"}}",
                "{\"action\": \"cancel\", \"filter\": {\"queue\": \"default\"}, \"max\": 0}",
                "{\"action\": \"cancel\", \"filter\": {\"queue\": \"default\"}, \"max\": 10001}",
                "{\"action\": \"cancel\", \"ids\": [\"" + id + "\"], \"force\": true}",
                "{\"action\": 1, \"ids\": [\"" + id + "\"]}",
                "[]", "", "{"};
        for (String body : bodies) assertError(http.post("/api/jobs/bulk", body), 400, "invalid_request");
        assertThat(http.get("/api/jobs/" + id).json().path("status").asText()).isEqualTo("scheduled");

        Response unknown = http.post("/api/jobs/bulk", "{\"action\": \"cancel\", \"ids\": [\"" + id + "\"], \"force\": true}");
        assertThat(unknown.json().path("error").path("details").path("field").asText()).isEqualTo("force");
        Response tooBig = http.post("/api/jobs/bulk", "{\"action\": \"cancel\", \"ids\": [\"" + "x".repeat(server.options().maxBodyBytes()) + "\"]}");
        assertError(tooBig, 413, "too_large");
    }
}
