package io.ordo.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker's /ready follows its store and broker like a server's: 503 while the queue broker is
 * down, 200 again when it is back. (The endpoints in a real process: PluginProcessTest.)
 */
class WorkerEndpointsTest {
    @TempDir
    Path dir;

    @Test
    void readyIs503WhileTheBrokerIsDownAndTheWorkerListensOnNothingWithoutAPort() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (PrivateRedis redis = new PrivateRedis(port)) {
            redis.start();
            ServerOptions options = new ServerOptions().storeUrl("jdbc:sqlite:" + dir.resolve("ordo.db")).concurrency(1)
                    .queueBackend("redis://127.0.0.1:" + port).metricsPort(0).shutdownGrace(Duration.ofMillis(500)).resolve(Map.of());
            try (WorkerNode worker = WorkerNode.start(options); Http http = new Http(worker.endpointsUrl())) {
                assertThat(worker.endpointsUrl()).startsWith("http://127.0.0.1:");
                assertThat(worker.readyLine()).contains("metrics, health and ready at " + worker.endpointsUrl());
                assertThat(http.get("/ready").status()).isEqualTo(200);

                redis.stop();
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Http.Response ready = http.get("/ready");
                    assertThat(ready.status()).isEqualTo(503);
                    assertThat(ready.errorCode()).isEqualTo("not_ready");
                    assertThat(ready.errorMessage()).contains("queue transport");
                    assertThat(ready.header("Retry-After")).isEqualTo("5");
                });
                assertThat(http.get("/health").status()).as("alive all the same").isEqualTo(200);

                redis.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> http.get("/ready").status() == 200);
            }
        }
        ServerOptions plain = new ServerOptions().storeUrl("jdbc:sqlite:" + dir.resolve("plain.db")).concurrency(1)
                .shutdownGrace(Duration.ofMillis(500)).resolve(Map.of());
        try (WorkerNode worker = WorkerNode.start(plain)) {
            assertThat(worker.endpointsUrl()).isNull();
            assertThat(worker.readyLine()).doesNotContain("metrics");
        }
    }
}
