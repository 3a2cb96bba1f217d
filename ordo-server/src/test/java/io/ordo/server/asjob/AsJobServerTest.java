package io.ordo.server.asjob;

import io.ordo.core.asjob.AsJobs;
import io.ordo.core.asjob.JobHandle;
import io.ordo.core.util.Json;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import io.ordo.server.QueueSpec;
import io.ordo.server.ServerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** @AsJob in an Ordo server on SQLite: registered through the server's hook, served next to the REST API. */
class AsJobServerTest {
    @Test
    void anOrdoServerServesAsyncEndpointsNextToItsApi(@TempDir Path dir) {
        Documents.Impl impl = new Documents.Impl();
        ServerOptions options = new ServerOptions().storeUrl("jdbc:sqlite:" + dir.resolve("server.db")).port(0)
                .queue(QueueSpec.parse("docs=2")).shutdownGrace(Duration.ofMillis(500)).resolve(Map.of());
        try (OrdoServer server = OrdoServer.create(options, config -> AsJobs.register(config, Documents.class, impl))) {
            server.routes(AsyncEndpoint.of(server.ordo(), "/api/documents/process", Documents.class, "process")).start();
            assertThatThrownBy(() -> server.routes(AsyncEndpoint.of(server.ordo(), "/late", "noop")))
                    .isInstanceOf(IllegalStateException.class).hasMessage("routes must be added before start()");
            try (Http http = new Http(server.url())) {
                Response r = http.post("/api/documents/process", "{\"doc\": {\"title\": \"T\", \"lines\": [\"a b c\"]}, \"maxWords\": 10}");
                assertThat(r.status()).isEqualTo(202);
                String url = r.json().get("status_url").asText();
                Response done = await().atMost(Duration.ofSeconds(10)).until(() -> http.get(url),
                        x -> x.json().path("status").asText().equals("completed"));
                assertThat(done.json().get("result")).isEqualTo(Json.parse("{\"title\": \"T\", \"words\": 3}"));

                // the same job through the REST API, and the endpoint's errors in the API's shape
                assertThat(http.get("/api/jobs/" + r.json().get("job_id").asText()).json().get("type").asText()).isEqualTo("Documents.process");
                assertThat(http.post("/api/documents/process", "nope").errorCode()).isEqualTo("invalid_request");
                assertThat(http.get("/api/documents/process/" + new java.util.UUID(7, 7)).status()).isEqualTo(404);

                // REST submits of the type are checked against the method too
                Response rest = http.post("/api/jobs", "{\"type\": \"Documents.process\", \"payload\": {\"maxWords\": \"many\"}}");
                assertThat(rest.status()).isEqualTo(400);
                assertThat(rest.errorMessage()).startsWith("Documents.process: parameter 'maxWords' does not fit int");
            }
        }
    }

    @Test
    void proxyTimeoutAndResultTtlOnSqlite(@TempDir Path dir) {
        Documents.Impl impl = new Documents.Impl();
        io.ordo.core.OrdoConfig config = io.ordo.core.OrdoConfig.defaults().storeUrl("jdbc:sqlite:" + dir.resolve("asjob.db"))
                .queue("default", 4).queue("docs", 2).maintenanceInterval(Duration.ofMillis(50)).pruneInterval(Duration.ofMillis(100), 1000);
        AsJobs.register(config, Documents.class, impl);
        try (io.ordo.core.Ordo ordo = io.ordo.core.Ordo.create(config).start()) {
            Documents docs = AsJobs.proxy(ordo, Documents.class);

            JobHandle<Documents.Summary> h = docs.process(new Documents.Doc("Q", List.of("x y", "z")), 5);
            assertThat(ordo.jobs().require(h.id()).payload()).isEqualTo(Json.parse("{\"doc\": {\"title\": \"Q\", \"lines\": [\"x y\", \"z\"]}, \"maxWords\": 5}"));
            assertThat(h.await(Duration.ofSeconds(10))).isEqualTo(new Documents.Summary("Q", 3));

            JobHandle<String> failing = docs.fail("bad");
            assertThatThrownBy(() -> failing.await(Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(io.ordo.core.asjob.JobFailedException.class, e -> {
                        assertThat(e.reason()).isEqualTo("error");
                        assertThat(e.error()).isEqualTo("IllegalStateException: cannot process: bad");
                    });

            JobHandle<String> blocked = docs.block("b");
            assertThatThrownBy(() -> blocked.await(Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(io.ordo.core.asjob.JobFailedException.class, e -> {
                        assertThat(e.reason()).isEqualTo("timeout");
                        assertThat(e.error()).isEqualTo("timed out after 300ms");
                    });

            JobHandle<String> brief = docs.shortLived("s");
            await().atMost(Duration.ofSeconds(10)).until(brief::isDone);
            await().atMost(Duration.ofSeconds(10)).until(() -> brief.job().result() == null);
            assertThatThrownBy(brief::await).isInstanceOf(io.ordo.core.asjob.ResultExpiredException.class)
                    .hasMessageContaining("(result TTL 1s)");
        }
    }
}
