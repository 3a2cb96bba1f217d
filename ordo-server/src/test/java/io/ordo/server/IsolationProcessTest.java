package io.ordo.server;

import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Process isolation on a real node: a plugin's handler isolated with {@code --isolate} (its jar is
 * on the child's classpath), no orphan (a child whose node is killed with SIGKILL exits by itself),
 * and the same isolated types for a worker the server launches.
 * (The engine's semantics: ProcessIsolationTest in ordo-core.)
 */
class IsolationProcessTest {
    @TempDir
    Path tmp;

    @Test
    void anIsolatedPluginHandlerRunsInAFreshChildWithThePluginJar() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        PluginJars.upperAndShout(dir);
        try (OrdoServer server = TestServer.start(new ServerOptions().pluginsDir(dir).isolate(List.of("test.upper")))) {
            for (String text : List.of("hello", "again")) {
                Job job = server.ordo().jobs().submit(JobRequest.of("test.upper").payload(Map.of("text", text)));
                await().atMost(Duration.ofSeconds(30)).until(() -> TestServer.job(server, job.id().toString()).isTerminal());
                Job done = TestServer.job(server, job.id().toString());
                assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(JobStatus.COMPLETED);
                // a fresh instance in a fresh JVM for every job (in-process, the second would count 2 runs)
                assertThat(done.result().toString()).contains("\"upper\":\"" + text.toUpperCase() + "\"").contains("\"runs\":1");
            }
        }
    }

    @Test
    void theChildOfANodeKilledWithSigkillExitsByItself() throws Exception {
        String store = "jdbc:sqlite:" + tmp.resolve("ordo.db");
        try (ServerProcess node = new ServerProcess(store, "--isolate", "sleep").start()) {
            String id = node.post("/api/jobs", "{\"type\": \"sleep\", \"payload\": {\"ms\": 120000}}", 202).path("job_id").asText();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(node.get("/api/jobs/" + id).path("status").asText()).as(node.output()).isEqualTo("running");
                assertThat(childJvm(node)).as(node.handle().children().map(c -> c.info().toString()).toList().toString()).isPresent();
            });
            ProcessHandle child = childJvm(node).orElseThrow();
            assertThat(child.isAlive()).isTrue();
            node.kill();
            // its stdin closed with the node: the child stops without anyone killing it
            await().atMost(Duration.ofSeconds(5)).until(() -> !child.isAlive());
        }
    }

    @Test
    void aWorkerThisServerLaunchesIsolatesTheSameTypes() {
        ServerOptions options = new ServerOptions().isolate(List.of("sleep", "test.upper")).resolve(Map.of("ORDO_ISOLATE", "ignored"));
        assertThat(options.isolate()).containsExactly("sleep", "test.upper"); // flags win over the environment
        assertThat(WorkerLauncher.isolateFlags(options.isolate())).containsExactly("--isolate", "sleep", "--isolate", "test.upper");
        assertThat(new ServerOptions().resolve(Map.of("ORDO_ISOLATE", "sleep, noop")).isolate()).containsExactly("sleep", "noop");
    }

    private static Optional<ProcessHandle> childJvm(ServerProcess node) {
        return node.handle().children()
                .filter(c -> c.info().commandLine().orElse("").contains("io.ordo.core.engine.isolation.ChildMain"))
                .findFirst();
    }
}
