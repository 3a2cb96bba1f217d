package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code POST /api/jobs/batch} with callbacks, {@code GET /api/batches} and {@code GET /api/batches/{id}}. */
class BatchRoutesTest {
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

    static JsonNode awaitFinished(String id) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            last[0] = http.get("/api/batches/" + id).json();
            return !last[0].path("status").asText().equals("running");
        });
        return last[0];
    }

    static JsonNode awaitJob(String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            last[0] = http.get("/api/jobs/" + id).json();
            return last[0].path("status").asText().equals(status);
        });
        return last[0];
    }

    @Test
    void aBatchWithCallbacksAnswersWithItsIdAndUrlAndRunsOnSuccessWithItsCounts() {
        Response r = http.post("/api/jobs/batch", """
                {"name": "import 7", "meta": {"owner": "ops"},
                 "jobs": [{"type": "noop"}, {"type": "noop"}, {"type": "noop"}],
                 "on_complete": {"type": "noop", "payload": {"note": "done"}},
                 "on_success": {"type": "noop", "tags": ["cb"]},
                 "on_failure": {"type": "noop"}}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        String id = r.json().path("batch_id").asText();
        assertThat(r.json().path("batch_url").asText()).isEqualTo("/api/batches/" + id);
        assertThat(r.header("Location")).isEqualTo("/api/batches/" + id);
        assertThat(r.json().path("total").asLong()).isEqualTo(3);
        assertThat(r.json().path("jobs_url").asText()).isEqualTo("/api/jobs?parent_id=" + id);

        JsonNode b = awaitFinished(id);
        assertThat(b.path("status").asText()).isEqualTo("completed");
        assertThat(b.path("name").asText()).isEqualTo("import 7");
        assertThat(b.path("meta").path("owner").asText()).isEqualTo("ops");
        assertThat(b.path("counts").path("completed").asLong()).isEqualTo(3);
        assertThat(b.path("counts").path("total").asLong()).isEqualTo(3);
        assertThat(b.path("progress").asDouble()).isEqualTo(1.0);
        assertThat(b.path("finished_at").isTextual()).isTrue();
        assertThat(fieldNames(b.path("callbacks"))).containsExactlyInAnyOrder("on_complete", "on_success");
        JsonNode cb = awaitJob(b.path("callbacks").path("on_complete").asText(), "completed");
        assertThat(cb.path("payload").path("batch_id").asText()).isEqualTo(id);
        assertThat(cb.path("payload").path("counts").path("completed").asLong()).isEqualTo(3);
        assertThat(cb.path("payload").path("job_ids")).hasSize(3);
        assertThat(cb.path("payload").path("payload").path("note").asText()).isEqualTo("done");
        JsonNode success = awaitJob(b.path("callbacks").path("on_success").asText(), "completed");
        assertThat(success.path("tags").get(0).asText()).isEqualTo("cb");
        // the batch's jobs and its callbacks are listed under it, and each says which batch it is in
        JsonNode under = http.get("/api/jobs?parent_id=" + id).json().path("jobs");
        assertThat(under).hasSize(5);
        for (JsonNode j : under) assertThat(http.get("/api/jobs/" + j.path("id").asText()).json().path("batch_id").asText()).isEqualTo(id);
        String plain = http.post("/api/jobs", "{\"type\": \"noop\"}").json().path("job_id").asText();
        assertThat(http.get("/api/jobs/" + plain).json().has("batch_id")).isFalse();
    }

    @Test
    void aFailedJobMakesTheBatchFailedAndRunsOnFailure() {
        Response r = http.post("/api/jobs/batch", """
                {"jobs": [{"type": "noop"}, {"type": "fail", "payload": {"times": 5}, "max_attempts": 1}],
                 "on_success": {"type": "noop"}, "on_failure": {"type": "noop"}}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonNode b = awaitFinished(r.json().path("batch_id").asText());
        assertThat(b.path("status").asText()).isEqualTo("failed");
        assertThat(b.path("counts").path("failed").asLong()).isEqualTo(1);
        assertThat(b.path("counts").path("completed").asLong()).isEqualTo(1);
        assertThat(fieldNames(b.path("callbacks"))).containsExactly("on_failure");
        JsonNode cb = awaitJob(b.path("callbacks").path("on_failure").asText(), "completed");
        assertThat(cb.path("payload").path("failed_ids")).hasSize(1);
        Response restart = http.post("/api/jobs/" + b.path("batch_id").asText() + "/restart", "");
        assertThat(restart.status()).as(restart.toString()).isEqualTo(409);
        assertThat(restart.errorMessage()).contains("is a batch");
    }

    @Test
    void aBadCallbackIs400NamingTheFieldAndNothingIsInserted() {
        long before = server.ordo().jobs().stats().total();
        expect400("""
                {"jobs": [{"type": "noop"}], "on_failure": {"type": "no-such-type"}}""", "on_failure.type");
        expect400("""
                {"jobs": [{"type": "noop"}], "on_complete": "noop"}""", "on_complete");
        expect400("""
                {"jobs": [{"type": "noop"}], "on_success": {"type": "noop", "colour": "red"}}""", "on_success.colour");
        expect400("""
                {"jobs": [{"type": "noop"}], "on_success": {"type": "noop", "unique_key": "k"}}""", "on_success.unique_key");
        expect400("""
                {"jobs": [{"type": "noop"}], "on_success": {"type": "noop", "max_attempts": 0}}""", "on_success");
        expect400("""
                {"jobs": [{"type": "noop"}], "name": 5}""", "name");
        expect400("""
                {"jobs": [{"type": "noop"}], "name": "x", "meta": [1]}""", "meta");
        expect400("""
                {"jobs": [{"type": "noop"}, {"type": "noop", "depends_on": ["#0"]}], "on_complete": {"type": "noop"}}""", "jobs[1].depends_on");
        assertThat(server.ordo().jobs().stats().total()).as("nothing inserted").isEqualTo(before);
    }

    private static void expect400(String body, String field) {
        Response r = http.post("/api/jobs/batch", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("error").path("details").path("field").asText()).as(r.toString()).isEqualTo(field);
    }

    @Test
    void withoutBatchFieldsTheAnswerIsThePlainListAsBefore() {
        Response r = http.post("/api/jobs/batch", "{\"jobs\": [{\"type\": \"noop\"}]}");
        assertThat(r.status()).isEqualTo(202);
        assertThat(fieldNames(r.json())).containsExactly("jobs");
    }

    @Test
    void batchesAreListedNewestFirstInPagesAndOnlyBatchesAreFound() {
        String first = http.post("/api/jobs/batch", "{\"name\": \"a\", \"jobs\": [{\"type\": \"noop\"}]}").json().path("batch_id").asText();
        String second = http.post("/api/jobs/batch", "{\"name\": \"b\", \"jobs\": [{\"type\": \"noop\"}]}").json().path("batch_id").asText();
        JsonNode page = http.get("/api/batches?limit=1").json();
        assertThat(page.path("batches")).hasSize(1);
        assertThat(page.path("batches").get(0).path("batch_id").asText()).isEqualTo(second);
        JsonNode next = http.get("/api/batches?limit=1&cursor=" + page.path("next_cursor").asText()).json();
        assertThat(next.path("batches").get(0).path("batch_id").asText()).isEqualTo(first);

        String plain = http.post("/api/jobs", "{\"type\": \"noop\"}").json().path("job_id").asText();
        assertThat(http.get("/api/batches/" + plain).status()).isEqualTo(404);
        Response bad = http.get("/api/batches/nope");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(http.get("/api/batches?limit=0").status()).isEqualTo(400);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
