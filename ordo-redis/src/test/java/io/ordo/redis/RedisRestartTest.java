package io.ordo.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.ordo.core.queue.Delivery;
import io.ordo.core.queue.QueueMessage;
import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.QueueTransportProvider;
import io.ordo.core.queue.TransportSettings;
import io.ordo.core.queue.TransportUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A Redis of its own (redis-server from the PATH, skipped without one), stopped and started again
 * empty under a transport: what a Redis without persistence does when it restarts.
 */
class RedisRestartTest {
    private static final Duration FAST = Duration.ofSeconds(6);

    @TempDir
    Path dir;
    private Process server;
    private QueueTransport transport;

    @AfterEach
    void stop() throws InterruptedException {
        if (transport != null) transport.close();
        stopServer();
    }

    @Test
    void callsFailFastDuringAnOutageAndWorkAgainOnAnEmptyRedis() throws Exception {
        int port = freePort();
        startServer(port);
        transport = QueueTransportProvider.openUrl("redis://127.0.0.1:" + port, new TransportSettings("restart-" + UUID.randomUUID(), Duration.ofSeconds(1)));
        String queue = "restart";
        transport.publish(messages(queue, 2));
        assertThat(receive(queue, 1)).hasSize(1);

        // a receive blocked when Redis goes away returns soon, well before its wait is over
        CompletableFuture<Throwable> blocked = CompletableFuture.supplyAsync(
                () -> catchThrowable(() -> transport.receive("elsewhere", Set.of("a"), 1, Duration.ofSeconds(20))));
        await().atMost(Duration.ofSeconds(5)).until(() -> clientList(port).contains("cmd=xreadgroup"));
        long stopped = System.nanoTime();
        stopServer();
        Throwable failure = blocked.get(FAST.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(FAST);
        assertThat(failure).isInstanceOf(TransportUnavailableException.class);

        assertFailsFast(() -> transport.publish(messages(queue, 1)));
        assertFailsFast(() -> transport.receive(queue, Set.of("a"), 10, Duration.ofMillis(500)));
        assertFailsFast(() -> transport.count(queue, Set.of("a")));
        assertFailsFast(transport::ping);

        startServer(port);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(transport::ping);
        assertThat(transport.count(queue, Set.of("a"))).isZero(); // it came back empty
        List<QueueMessage> after = messages(queue, 3);
        transport.publish(after);
        List<Delivery> got = receive(queue, 3);
        assertThat(got).extracting(Delivery::message).containsExactlyInAnyOrderElementsOf(after);
        transport.ack(got);
        assertThat(transport.count(queue, Set.of("a"))).isZero();
        assertThat(transport.held(queue, "a", after.stream().map(QueueMessage::jobId).toList()).orElseThrow()).isEmpty();
    }

    private static String clientList(int port) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().clientList();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void assertFailsFast(Runnable call) {
        long start = System.nanoTime();
        assertThatThrownBy(call::run).isInstanceOf(TransportUnavailableException.class).hasMessageContaining("127.0.0.1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(FAST);
    }

    private List<Delivery> receive(String queue, int n) {
        List<Delivery> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            got.addAll(transport.receive(queue, Set.of("a"), n - got.size(), Duration.ofMillis(200)));
            return got.size() >= n;
        });
        return got;
    }

    private static List<QueueMessage> messages(String queue, int n) {
        return io.ordo.testkit.QueueTransportContract.messages(queue, "a", n);
    }

    private void startServer(int port) throws IOException {
        Path binary = redisServer();
        assumeThat(binary).as("redis-server on the PATH").isNotNull();
        server = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            }
        });
    }

    private void stopServer() throws InterruptedException {
        if (server == null) return;
        server.destroy(); // SIGTERM: Redis shuts down, keeping nothing (--save "")
        if (!server.waitFor(10, TimeUnit.SECONDS)) server.destroyForcibly().waitFor();
        server = null;
    }

    private static Path redisServer() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, "redis-server");
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
