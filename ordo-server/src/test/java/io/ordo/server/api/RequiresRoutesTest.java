package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Capabilities and routing over REST: requires in submit bodies, in the job object, and why a job waits. */
class RequiresRoutesTest {
    static OrdoServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(new ServerOptions().capabilities(List.of("class=io")));
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    private JsonNode awaitJob(String id, java.util.function.Predicate<JsonNode> done) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> done.test(last[0] = http.get("/api/jobs/" + id).json()));
        return last[0];
    }

    @Test
    void aJobRequiringWhatNoNodeHasWaitsAndSaysWhy() {
        Response r = http.post("/api/jobs", "{\"type\": \"noop\", \"requires\": {\"gpu\": 1, \"zone\": \"eu-1\"}}");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String id = r.json().path("job_id").asText();
        JsonNode job = awaitJob(id, j -> j.has("waiting_for"));
        assertThat(job.path("status").asText()).isEqualTo("pending");
        assertThat(job.path("requires").path("gpu").asText()).isEqualTo("1"); // a number becomes its text
        assertThat(job.path("requires").path("zone").asText()).isEqualTo("eu-1");
        assertThat(job.path("waiting_for").asText()).isEqualTo("a node with gpu=1, zone=eu-1");
        // the list shows requires too, without waiting_for (told only when one job is read)
        JsonNode listed = http.get("/api/jobs?status=pending").json().path("jobs");
        assertThat(listed).anySatisfy(j -> {
            assertThat(j.path("id").asText()).isEqualTo(id);
            assertThat(j.path("requires").path("gpu").asText()).isEqualTo("1");
            assertThat(j.has("waiting_for")).isFalse();
        });
    }

    @Test
    void aJobRequiringWhatThisNodeHasRunsHere() {
        String id = http.post("/api/jobs", "{\"type\": \"noop\", \"requires\": {\"class\": \"io\"}}").json().path("job_id").asText();
        JsonNode job = awaitJob(id, j -> j.path("status").asText().equals("completed"));
        assertThat(job.path("requires").path("class").asText()).isEqualTo("io");
        assertThat(job.has("waiting_for")).isFalse();
        String plain = http.post("/api/jobs", "{\"type\": \"noop\"}").json().path("job_id").asText();
        assertThat(awaitJob(plain, j -> j.path("status").asText().equals("completed")).path("requires").isEmpty()).isTrue();
    }

    @Test
    void theClusterViewShowsEachNodesCapabilities() {
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/cluster/nodes").json().path("nodes").size() > 0);
        JsonNode node = http.get("/api/cluster/nodes").json().path("nodes").get(0);
        assertThat(node.path("capabilities").path("class").asText()).isEqualTo("io");
    }

    @Test
    void badRequirementsAreRefusedNamingTheField() {
        for (String bad : List.of("\"gpu\"", "[\"gpu=1\"]", "{\"gpu\": \"\"}", "{\"gpu\": {\"n\": 1}}", "{\"GPU\": 1}", "{\"gpu\": \"a b\"}",
                "{\"gpu\": \"1,2\"}", "{\"gpu\": true}",
                "{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,\"i\":1}")) {
            Response r = http.post("/api/jobs", "{\"type\": \"noop\", \"requires\": " + bad + "}");
            assertThat(r.status()).as(bad + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().path("error").path("details").path("field").asText()).as(bad).isEqualTo("requires");
        }
        Response batch = http.post("/api/jobs/batch", "{\"jobs\": [{\"type\": \"noop\"}, {\"type\": \"noop\", \"requires\": {\"gpu\": \"\"}}]}");
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.json().path("error").path("details").path("field").asText()).isEqualTo("jobs[1].requires");
        Response nine = http.post("/api/jobs", "{\"type\": \"noop\", \"requires\": "
                + "{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,\"i\":1}}");
        assertThat(nine.json().path("error").path("message").asText()).contains("at most 8");
    }
}
