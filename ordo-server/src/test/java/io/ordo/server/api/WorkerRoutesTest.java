package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code POST /api/cluster/workers}: a real worker process joins the server's store and runs its jobs. */
class WorkerRoutesTest {
    @TempDir
    Path dir;

    @Test
    void aLaunchedWorkerProcessRunsJobsFromTheSharedStoreAndStopsWithTheServer() throws Exception {
        // the server serves no 'remote' queue: only the launched worker can run those jobs
        ServerOptions options = new ServerOptions().dataDir(dir).storeUrl("jdbc:sqlite:" + dir.resolve("ordo.db")).port(0)
                .concurrency(2).shutdownGrace(Duration.ofSeconds(2)).resolve(Map.of());
        long pid;
        String nodeId;
        try (OrdoServer server = OrdoServer.create(options).start(); Http http = new Http(server.url())) {
            Response launched = http.post("/api/cluster/workers", "{\"concurrency\": 1, \"queues\": [\"remote=2\"]}");
            assertThat(launched.status()).as(launched.body()).isEqualTo(202);
            nodeId = launched.json().path("node_id").asText();
            pid = launched.json().path("pid").asLong();
            assertThat(launched.json().path("status").asText()).isEqualTo("starting");
            assertThat(Path.of(launched.json().path("log").asText())).startsWith(dir);

            Response submitted = http.post("/api/jobs", "{\"type\": \"noop\", \"queue\": \"remote\"}");
            String jobId = submitted.json().path("job_id").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> TestServer.job(server, jobId).status() == JobStatus.COMPLETED);
            Job done = TestServer.job(server, jobId);
            assertThat(done.leaseOwner()).isEqualTo(nodeId);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode nodes = http.get("/api/cluster/nodes").json().path("nodes");
                assertThat(StreamSupport.stream(nodes.spliterator(), false)
                        .filter(n -> n.path("id").asText().equals(nodeId) && n.path("state").asText().equals("alive"))).hasSize(1);
            });
            assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
        }
        // closing the server stopped its worker gracefully
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
        assertThat(Files.readString(dir.resolve("workers").resolve(nodeId + ".log"))).contains("Ordo worker " + nodeId + " running");
    }

    @Test
    void badRequestsAreRefusedAndNothingIsLaunched() {
        try (OrdoServer server = TestServer.start(); Http http = new Http(server.url())) {
            assertThat(http.post("/api/cluster/workers", "{\"concurrency\": \"two\"}").status()).isEqualTo(400);
            Response unknown = http.post("/api/cluster/workers", "{\"nodes\": 3}");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.errorMessage()).contains("unknown field 'nodes'");
            Response badQueue = http.post("/api/cluster/workers", "{\"queues\": [\"remote\"]}");
            assertThat(badQueue.status()).isEqualTo(400);
            assertThat(badQueue.body()).contains("queues[0]");
            assertThat(http.post("/api/cluster/workers", "{\"concurrency\": 0}").status()).isEqualTo(400);
            assertThat(http.post("/api/cluster/workers", "{").status()).isEqualTo(400);
            // the in-memory store cannot be shared with another process
            Response memory = http.post("/api/cluster/workers", "{}");
            assertThat(memory.status()).isEqualTo(409);
            assertThat(memory.errorMessage()).contains("in memory");
            // naming this server is a launch here (refused the same way), not an order
            Response self = http.post("/api/cluster/workers", "{\"node\": \"" + server.ordo().config().nodeId() + "\"}");
            assertThat(self.status()).isEqualTo(409);
            assertThat(self.errorMessage()).contains("in memory");
            Response nobody = http.post("/api/cluster/workers", "{\"node\": \"nobody\", \"capabilities\": {\"gpu\": 1}}");
            assertThat(nobody.status()).isEqualTo(404);
            assertThat(nobody.errorMessage()).isEqualTo("no node 'nobody' in this cluster ('ordo nodes' lists them)");
            Response badCapability = http.post("/api/cluster/workers", "{\"capabilities\": {\"9gpu\": 1}}");
            assertThat(badCapability.status()).isEqualTo(400);
            assertThat(badCapability.body()).contains("capabilities.9gpu");
            assertThat(http.post("/api/cluster/workers", "{\"capabilities\": {\"gpu\": true}}").status()).isEqualTo(400);
            assertThat(http.post("/api/cluster/workers", "{\"node\": \"\"}").status()).isEqualTo(400);
            Response badId = http.get("/api/cluster/commands/nope");
            assertThat(badId.status()).isEqualTo(400);
            assertThat(badId.errorMessage()).isEqualTo("'nope' is not a command id (a UUID)");
            Response unknownOrder = http.get("/api/cluster/commands/" + java.util.UUID.randomUUID());
            assertThat(unknownOrder.status()).isEqualTo(404);
            assertThat(unknownOrder.errorMessage()).startsWith("no node command ");
            assertThat(http.get("/api/cluster/commands/" + java.util.UUID.randomUUID() + "?x=1").status()).isEqualTo(400);
        }
    }
}
