package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code depends_on} over REST: batch items by {@code #k}, {@code waiting_on}, skipping, and every bad input as a 400 naming the field. */
class DependencyRoutesTest {
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

    private static List<String> ids(Response batch) {
        List<String> out = new ArrayList<>();
        batch.json().path("jobs").forEach(j -> out.add(j.path("job_id").asText()));
        return out;
    }

    private static Response awaitStatus(String id, String status) {
        Response[] last = new Response[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
            last[0] = http.get("/api/jobs/" + id);
            return last[0].json().path("status").asText().equals(status);
        });
        return last[0];
    }

    private static long total() {
        return server.ordo().jobs().stats().total();
    }

    @Test
    void aBatchDiamondWaitsShowsWhatItWaitsOnAndRuns() {
        Response r = http.post("/api/jobs/batch", """
                {"jobs": [{"type": "sleep", "payload": {"ms": 400}},
                          {"type": "noop", "depends_on": ["#0"]},
                          {"type": "noop", "depends_on": ["#0"]},
                          {"type": "noop", "depends_on": ["#1", "#2"]}]}""");
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        List<String> ids = ids(r);
        assertThat(r.json().path("jobs").get(3).path("status").asText()).isEqualTo("waiting");

        JsonNode join = http.get("/api/jobs/" + ids.get(3)).json();
        assertThat(join.path("status").asText()).isEqualTo("waiting");
        assertThat(join.path("depends_on")).extracting(JsonNode::asText).containsExactly(ids.get(1), ids.get(2));
        assertThat(join.path("waiting_on")).extracting(JsonNode::asText).containsExactlyInAnyOrder(ids.get(1), ids.get(2));
        assertThat(join.path("run_on_failure").asBoolean()).isFalse();
        assertThat(join.path("started_at").isNull()).isTrue();

        JsonNode done = awaitStatus(ids.get(3), "completed").json();
        assertThat(done.has("waiting_on")).isFalse();
        assertThat(done.path("depends_on")).hasSize(2);
    }

    @Test
    void aFailedDependencySkipsAndRunOnFailureRuns() {
        Response a = http.post("/api/jobs", "{\"type\": \"fail\", \"payload\": {\"times\": 5}, \"max_attempts\": 1}");
        String failing = a.json().path("job_id").asText();
        String skipped = http.post("/api/jobs", "{\"type\": \"noop\", \"depends_on\": [\"" + failing + "\"]}").json().path("job_id").asText();
        String anyway = http.post("/api/jobs", "{\"type\": \"noop\", \"depends_on\": [\"" + failing + "\"], \"run_on_failure\": true}")
                .json().path("job_id").asText();
        JsonNode s = awaitStatus(skipped, "skipped").json();
        assertThat(s.path("error").asText()).isEqualTo("dependency " + failing + " failed");
        assertThat(awaitStatus(anyway, "completed").json().path("run_on_failure").asBoolean()).isTrue();
    }

    @Test
    void badDependenciesAre400NamingTheFieldAndWriteNothing() {
        long before = total();
        String unknown = UUID.randomUUID().toString();
        record Case(String path, String body, String field, String message) {
        }
        List<Case> cases = List.of(
                new Case("/api/jobs", "{\"type\": \"noop\", \"depends_on\": \"x\"}", "depends_on", "array"),
                new Case("/api/jobs", "{\"type\": \"noop\", \"depends_on\": [\"nope\"]}", "depends_on[0]", "job id or #k"),
                new Case("/api/jobs", "{\"type\": \"noop\", \"depends_on\": [\"#x\"]}", "depends_on[0]", "job id or #k"),
                new Case("/api/jobs", "{\"type\": \"noop\", \"depends_on\": [\"" + unknown + "\"]}", "depends_on", "no job " + unknown),
                new Case("/api/jobs", "{\"type\": \"noop\", \"depends_on\": [\"#0\"]}", "depends_on", "itself"),
                new Case("/api/jobs", "{\"type\": \"noop\", \"depends_on\": [\"#1\"]}", "depends_on", "not an item"),
                new Case("/api/jobs", "{\"type\": \"noop\", \"run_on_failure\": \"yes\"}", "run_on_failure", "boolean"),
                new Case("/api/jobs", "{\"type\": \"noop\", \"run_on_failure\": true}", "run_on_failure", "only with depends_on"),
                new Case("/api/jobs", "{\"type\": \"noop\", \"delay\": \"1m\", \"depends_on\": [\"" + unknown + "\"]}", "depends_on", "delay"),
                new Case("/api/jobs/batch", "{\"jobs\": [{\"type\": \"noop\"}, {\"type\": \"noop\", \"depends_on\": [\"" + unknown + "\"]}]}",
                        "jobs[1].depends_on", "no job " + unknown),
                new Case("/api/jobs/batch", "{\"jobs\": [{\"type\": \"noop\", \"depends_on\": [\"#1\"]}, {\"type\": \"noop\", \"depends_on\": [\"#0\"]}]}",
                        "jobs[0].depends_on", "cycle #0 -> #1 -> #0"));
        for (Case c : cases) {
            Response r = http.post(c.path(), c.body());
            assertThat(r.status()).as(c.body() + " -> " + r).isEqualTo(400);
            assertThat(r.json().path("error").path("details").path("field").asText()).as(c.body() + " -> " + r).isEqualTo(c.field());
            assertThat(r.errorMessage()).as(c.body()).contains(c.message());
        }
        assertThat(total()).as("nothing written").isEqualTo(before);
    }
}
