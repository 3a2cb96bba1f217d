package io.ordo.server;

import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.JobStore;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class OrdoServerTest {

    @Test
    void startBindsThePortAndReportsReadiness() {
        try (OrdoServer server = TestServer.start(); Http http = new Http(server.url())) {
            assertThat(server.port()).isPositive();
            assertThat(server.url()).isEqualTo("http://localhost:" + server.port());
            assertThat(server.readyLine()).isEqualTo("Ordo ready at http://localhost:" + server.port()
                    + " (dashboard and API; store: memory, node " + server.ordo().config().nodeId() + "; no API tokens: listening on loopback only)");
            assertThat(http.get("/health").status()).isEqualTo(200);
        }
    }

    @Test
    void closeStopsHttpThenHandsRunningJobsBack() {
        OrdoServer server = TestServer.start();
        JobStore store = server.ordo().store(); // the memory store keeps its jobs after close
        String id;
        try (Http http = new Http(server.url())) {
            id = http.post("/api/jobs", "{\"type\": \"sleep\", \"payload\": {\"ms\": 60000}}").json().path("job_id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> TestServer.job(server, id).status() == JobStatus.RUNNING);
        }
        String url = server.url();

        server.close();

        Job job = store.get(java.util.UUID.fromString(id)).orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.PENDING);
        assertThat(job.errors()).extracting(io.ordo.core.model.AttemptError::reason).containsExactly("shutdown");
        try (Http http = new Http(url)) {
            assertThatThrownBy(() -> http.get("/health")).isInstanceOf(java.io.UncheckedIOException.class).hasCauseInstanceOf(java.net.ConnectException.class);
        }
    }

    @Test
    void aPortInUseFailsStartAndReleasesTheNode() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            OrdoServer server = OrdoServer.create(new ServerOptions().storeUrl("memory:").port(taken.getLocalPort()).resolve(Map.of()));
            assertThatThrownBy(server::start).isInstanceOf(RuntimeException.class);
        }
    }
}
