package io.ordo.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.store.memory.InMemoryJobStore;
import io.ordo.testkit.ForwardingJobStore;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code /metrics}, {@code /ready}, and where the server listens with and without tokens. */
class OpsRoutesTest {
    static final String ADMIN = "admin-token-0123456789abcdef";

    @Test
    void metricsShowJobsByQueueAndStateCountersHistogramsAndUtilization() {
        try (OrdoServer server = TestServer.start(); Http http = new Http(server.url())) {
            for (int i = 0; i < 3; i++) assertThat(http.post("/api/jobs", "{\"type\": \"noop\"}").status()).isEqualTo(202);
            assertThat(http.post("/api/jobs", "{\"type\": \"fail\", \"max_attempts\": 1}").status()).isEqualTo(202);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(http.get("/metrics").body())
                    .contains("ordo_jobs_submitted_total{queue=\"default\"} 4.0")
                    .contains("ordo_jobs_completed_total{queue=\"default\"} 3.0")
                    .contains("ordo_jobs_failed_total{queue=\"default\"} 1.0")
                    .contains("ordo_jobs{queue=\"default\",state=\"completed\"} 3.0")
                    .contains("ordo_jobs{queue=\"default\",state=\"failed\"} 1.0"));
            Http.Response r = http.get("/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
            assertThat(r.body())
                    .contains("ordo_job_run_seconds_bucket{queue=\"default\",le=")
                    .contains("ordo_job_run_seconds_count{queue=\"default\"} 4")
                    .contains("ordo_job_start_latency_seconds_bucket{queue=\"default\",le=")
                    .contains("ordo_worker_utilization{queue=\"default\"}")
                    .contains("ordo_worker_utilization{queue=\"tiny\"} 0.0")
                    // a served queue is listed before its first job
                    .contains("ordo_jobs{queue=\"tiny\",state=\"pending\"} 0.0")
                    .contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void withTokensMetricsNeedOne() {
        try (OrdoServer server = TestServer.start(new ServerOptions().adminTokens(List.of(ADMIN))); Http http = new Http(server.url())) {
            assertThat(http.get("/metrics").status()).isEqualTo(401);
            HttpResponse<String> r = send(server.url() + "/metrics", ADMIN);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("ordo_worker_utilization{queue=\"default\"}");
        }
    }

    @Test
    void readyIs200OnALiveStoreAnd503WhenItDoesNotAnswer() {
        AtomicBoolean down = new AtomicBoolean();
        InMemoryJobStore memory = new InMemoryJobStore();
        ForwardingJobStore store = new ForwardingJobStore(memory) {
            @Override
            public void ping() {
                if (down.get()) throw new IllegalStateException("connection refused (test)");
                super.ping();
            }
        };
        ServerOptions options = new ServerOptions().storeUrl("memory:").port(0).shutdownGrace(Duration.ofMillis(300)).resolve(Map.of());
        try (OrdoServer server = OrdoServer.create(options, c -> c.store(store)).start(); Http http = new Http(server.url())) {
            Http.Response ready = http.get("/ready");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().path("status").asText()).isEqualTo("ready");
            assertThat(ready.json().path("table_health").path("autovacuum").asText()).isEqualTo("not_applicable");

            down.set(true);
            Http.Response notReady = http.get("/ready");
            assertThat(notReady.status()).isEqualTo(503);
            assertThat(notReady.errorCode()).isEqualTo("not_ready");
            assertThat(notReady.errorMessage()).contains("connection refused (test)");
            assertThat(notReady.header("Retry-After")).isEqualTo("5");
            assertThat(http.get("/health").status()).as("liveness does not depend on the store").isEqualTo(200);
        } finally {
            memory.close();
        }
    }

    @Test
    void readyOnSqlite(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ServerOptions options = new ServerOptions().storeUrl("jdbc:sqlite:" + dir.resolve("ordo.db")).port(0)
                .shutdownGrace(Duration.ofMillis(300)).resolve(Map.of());
        try (OrdoServer server = OrdoServer.create(options).start(); Http http = new Http(server.url())) {
            Http.Response ready = http.get("/ready");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().path("store").asText()).isEqualTo(server.ordo().store().kind());
            // SQLite has no vacuum daemon to be off, and the node has no duty there
            assertThat(ready.json().path("table_health").path("autovacuum").asText()).isEqualTo("not_applicable");
            assertThat(ready.json().path("table_health").path("vacuum_duty").asBoolean()).isFalse();
        }
    }

    @Test
    void withoutTokensTheServerBindsLoopbackAndSaysSo() {
        Logger log = (Logger) LoggerFactory.getLogger(OrdoServer.class);
        Level before = log.getLevel();
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        log.setLevel(Level.INFO);
        try (OrdoServer server = TestServer.start()) {
            assertThat(server.boundAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(server.boundAddress().getPort()).isEqualTo(server.port());
            assertThat(server.readyLine()).endsWith("; no API tokens: listening on loopback only)");
            assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anyMatch(m -> m.contains("/127.0.0.1:" + server.port()) && m.contains("no API tokens: listening on loopback only"));
        } finally {
            log.detachAppender(seen);
            log.setLevel(before);
        }
    }

    @Test
    void aNonLoopbackHostNeedsTokensOrAnExplicitInsecureOpen() {
        assertThatThrownBy(() -> new ServerOptions().host("0.0.0.0").resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("refusing to listen on 0.0.0.0 without API tokens")
                .hasMessageContaining("--insecure-open");
        assertThatThrownBy(() -> new ServerOptions().resolve(Map.of("ORDO_HOST", "0.0.0.0"))).isInstanceOf(InvalidRequestException.class);
        assertThat(new ServerOptions().host("localhost").resolve(Map.of()).host()).isEqualTo("localhost");
        assertThat(new ServerOptions().host("::1").resolve(Map.of()).host()).isEqualTo("::1");
        assertThat(new ServerOptions().host("0.0.0.0").insecureOpen(true).resolve(Map.of()).insecureOpen()).isTrue();
        assertThat(new ServerOptions().resolve(Map.of("ORDO_HOST", "0.0.0.0", "ORDO_INSECURE_OPEN", "true")).host()).isEqualTo("0.0.0.0");
        assertThat(new ServerOptions().resolve(Map.of("ORDO_HOST", "0.0.0.0", "ORDO_READ_TOKEN", "read-token-0123456789")).tokens().enabled())
                .isTrue();
    }

    @Test
    void withTokensAndAllInterfacesTheReadyLineSaysAuthIsOn() {
        ServerOptions options = new ServerOptions().host("0.0.0.0").adminTokens(List.of(ADMIN));
        try (OrdoServer server = TestServer.start(options)) {
            assertThat(server.boundAddress().getAddress().isAnyLocalAddress()).isTrue();
            assertThat(server.readyLine()).endsWith("; auth: 1 admin, 0 read token(s))");
        }
    }

    static HttpResponse<String> send(String url, String token) {
        try (HttpClient c = HttpClient.newHttpClient()) {
            return c.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
