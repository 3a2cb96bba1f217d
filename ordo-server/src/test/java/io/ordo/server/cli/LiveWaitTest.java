package io.ordo.server.cli;

import com.sun.net.httpserver.HttpServer;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import io.ordo.server.api.ApiJson;
import io.ordo.server.cli.Cli.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --wait} driven by the event stream: with a poll interval of 30s a wait that ends within a few
 * seconds can only have been woken by events; without a stream it falls back to polling.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveWaitTest {
    static OrdoServer server;
    static Map<String, String> env;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        env = Map.of("ORDO_SERVER", server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Duration timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Test
    void submitWaitIsWokenByEventsNotByPolling() throws Exception {
        Run[] r = new Run[2];
        Duration took = timed(() -> r[0] = Cli.run(env, "submit", "sleep", "--payload", "{\"ms\": 300}", "--wait", "--poll-interval", "30s"));
        assertThat(r[0].exit()).as(r[0].toString()).isZero();
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        assertThat(r[0].errLines()).last().asString().contains("completed");
        Duration jsonTook = timed(() -> r[1] = Cli.run(env, "submit", "fail", "--max-attempts", "1", "--wait", "--json", "--poll-interval", "30s"));
        assertThat(r[1].exit()).as(r[1].toString()).isEqualTo(Main.FAILED);
        assertThat(jsonTook).isLessThan(Duration.ofSeconds(15));
        assertThat(ApiJson.read(r[1].out()).path("status").asText()).isEqualTo("failed");
    }

    @Test
    void definitionRunWaitIsWokenByEventsOfItsTree(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("live.yaml");
        Files.writeString(f, "id: live-wait\nsteps:\n  - {name: a, action: noop}\n  - {name: b, action: sleep, depends: a, config: {ms: 200}}\n"
                + "  - {name: c, action: noop, depends: b}\n");
        assertThat(Cli.run(env, "definitions", "apply", f.toString()).exit()).isZero();
        Run[] r = new Run[1];
        Duration took = timed(() -> r[0] = Cli.run(env, "definitions", "run", "live-wait", "--wait", "--progress", "lines",
                "--lines-interval", "10ms", "--poll-interval", "30s"));
        assertThat(r[0].exit()).as(r[0].toString()).isZero();
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        assertThat(r[0].errLines()).last().isEqualTo("[########################] 3/3  0 pending, 0 running, 3 completed, 0 failed");
    }

    @Test
    void withTokensTheStreamIsAuthenticatedToo() {
        String admin = "admin-token-0123456789abcdef";
        try (OrdoServer secured = TestServer.start(new io.ordo.server.ServerOptions().adminTokens(java.util.List.of(admin)))) {
            Map<String, String> e = Map.of("ORDO_SERVER", secured.url(), "ORDO_TOKEN", admin);
            Run[] r = new Run[1];
            Duration took = timed(() -> r[0] = Cli.run(e, "submit", "sleep", "--payload", "{\"ms\": 300}", "--wait", "--poll-interval", "30s"));
            assertThat(r[0].exit()).as(r[0].toString()).isZero();
            assertThat(took).isLessThan(Duration.ofSeconds(15));
            // without a token the stream is refused (401): no live stream, the caller would poll
            assertThat(EventStream.open(URI.create(secured.url()), null, "types=job_log")).isNull();
        }
    }

    @Test
    void withoutAStreamItPolls() throws Exception {
        URI base = URI.create(server.url());
        // the server refuses the subscription (unknown type): no stream
        assertThat(EventStream.open(base, null, "types=bogus")).isNull();
        assertThat(EventStream.open(URI.create("http://127.0.0.1:1"), null, "")).isNull();
        try (WaitPacer pacer = WaitPacer.open(base, null, "types=bogus", Duration.ofMillis(50))) {
            assertThat(pacer.live()).isFalse();
            assertThat(timed(pacer::pause)).isGreaterThanOrEqualTo(Duration.ofMillis(50)).isLessThan(Duration.ofSeconds(1));
        }
        try (WaitPacer pacer = WaitPacer.open(base, null, "types=job_log", Duration.ofMillis(50))) {
            assertThat(pacer.live()).isTrue();
        }
    }

    @Test
    void theStreamSendsTheTokenAndCountsEvents() throws Exception {
        AtomicReference<String> auth = new AtomicReference<>();
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/api/events", ex -> {
            auth.set(ex.getRequestHeaders().getFirst("Authorization"));
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write(": hi\n\nid: 1\ndata: {\"id\":1}\n\nid: 2\ndata: {\"id\":2}\n\n".getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().close();
        });
        fake.start();
        try (EventStream s = EventStream.open(URI.create("http://127.0.0.1:" + fake.getAddress().getPort()), "s3cret", "types=job_log")) {
            assertThat(s).isNotNull();
            assertThat(s.await(Duration.ofSeconds(5))).isTrue();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !s.alive());
            assertThat(s.events()).isEqualTo(2);
            assertThat(auth.get()).isEqualTo("Bearer s3cret");
        } finally {
            fake.stop(0);
        }
    }
}
