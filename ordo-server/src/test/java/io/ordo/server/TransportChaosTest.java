package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue carried by a broker, with real processes on PostgreSQL: a server and two workers run
 * 5,000 jobs while one worker is killed with SIGKILL, the broker is restarted (Redis without
 * persistence comes back empty) and then stopped for 15 s. Every job completes exactly once (one
 * completed status event each), none fails, and {@code /ready} says the transport is down while it is.
 */
class TransportChaosTest {
    private static final int JOBS = 5_000;
    private final List<ServerProcess> processes = new ArrayList<>();
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        processes.forEach(ServerProcess::close);
        for (AutoCloseable c : cleanup.reversed()) c.close();
    }

    @Test
    void redisRestartedEmptyAndStoppedLosesNoJob() throws Exception {
        PrivateRedis redis = new PrivateRedis(freePort());
        cleanup.add(redis);
        redis.start();
        chaos("redis://127.0.0.1:" + redis.port, redis::restart, redis::stop, redis::start);
    }

    @Test
    void rabbitMqRestartedAndStoppedLosesNoJob() throws Exception {
        String vhost = "ordo-chaos-" + Long.toHexString(System.nanoTime());
        rabbitmqctl("add_vhost", vhost);
        cleanup.add(() -> rabbitmqctl("delete_vhost", vhost));
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*");
        // the shared broker: it is stopped only while this test runs (test classes run one at a time)
        cleanup.add(() -> rabbitmqctl("start_app"));
        chaos("amqp://guest:guest@127.0.0.1:5672/" + vhost,
                () -> {
                    rabbitmqctl("stop_app");
                    rabbitmqctl("start_app");
                },
                () -> rabbitmqctl("stop_app"), () -> rabbitmqctl("start_app"));
    }

    private void chaos(String broker, Step restart, Step stop, Step start) throws Exception {
        String base = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
        String schema = "chaos_" + Long.toHexString(System.nanoTime());
        String store = base + "?user=postgres&currentSchema=" + schema;
        cleanup.add(() -> {
            try (Connection c = DriverManager.getConnection(base, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        });
        ServerProcess server = track(new ServerProcess(store, "--queue-backend", broker)).start();
        ServerProcess doomed = track(ServerProcess.worker(store, "--queue-backend", broker)).start();
        track(ServerProcess.worker(store, "--queue-backend", broker)).start();

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS / 1000; i++) ids.addAll(server.submitBatch("{\"type\":\"sleep\",\"payload\":{\"ms\":40}}", 1000));
        await().atMost(Duration.ofSeconds(60)).until(() -> completed(server) >= 500);

        doomed.kill();
        restart.run();
        await().atMost(Duration.ofSeconds(120)).until(() -> completed(server) >= 2_000);

        stop.run();
        long stoppedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(14)).until(() -> {
            HttpResponse<String> r = ready(server);
            return r.statusCode() == 503 && r.body().contains("queue transport");
        });
        long left = TimeUnit.SECONDS.toNanos(15) - (System.nanoTime() - stoppedAt);
        if (left > 0) await().pollDelay(Duration.ofNanos(left)).atMost(Duration.ofSeconds(20)).until(() -> true);
        start.run();

        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                .until(() -> completed(server) == JOBS);
        await().atMost(Duration.ofSeconds(30)).until(() -> ready(server).statusCode() == 200);
        JsonNode stats = server.get("/api/jobs/stats");
        assertThat(stats.path("total").asInt()).isEqualTo(JOBS);
        assertThat(stats.path("statuses").path("failed").asInt()).isZero();
        // every job ended once: one terminal status event each, and it says completed
        await().atMost(Duration.ofSeconds(20)).until(() -> ServerProcess.terminalEvents(store).size() == JOBS);
        Map<String, List<String>> ends = ServerProcess.terminalEvents(store);
        assertThat(ends.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(ends.values()).allSatisfy(s -> assertThat(s).containsExactly("completed"));
    }

    private static int completed(ServerProcess server) {
        return server.get("/api/jobs/stats").path("statuses").path("completed").asInt();
    }

    private static HttpResponse<String> ready(ServerProcess server) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            return http.send(HttpRequest.newBuilder(URI.create(server.url + "/ready")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }



    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static void rabbitmqctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("rabbitmqctl %s: %s", String.join(" ", args), out).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
