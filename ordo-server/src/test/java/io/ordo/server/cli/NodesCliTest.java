package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import io.ordo.server.api.ApiJson;
import io.ordo.server.cli.Cli.Run;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.ordo.server.cli.CliTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code ordo nodes drain|resume|stop ID} against an in-process server, addressing the server's own node. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodesCliTest {
    private final OrdoServer server = TestServer.start();
    private final Map<String, String> env = Map.of("ORDO_SERVER", server.url());
    private final String self = server.ordo().config().nodeId();

    @AfterEach
    void stop() {
        server.close();
    }

    private Run ordo(String... args) {
        return Cli.run(env, args);
    }

    private String submit(String... args) {
        Run r = ordo(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.outLines().getFirst();
    }

    private String status(String job) {
        return TestServer.job(server, job).status().wireName();
    }

    @Test
    void drainHoldsNewJobsUntilResumeAndNodesShowsIt() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> ordo("nodes").out().contains(self));
        Run drained = ordo("nodes", "drain", self);
        assertThat(drained.exit()).as(drained.toString()).isZero();
        assertThat(drained.outLines()).containsExactly("node " + self + " is draining: it claims no new jobs; 'ordo nodes' shows its running jobs falling to 0");
        assertThat(ordo("nodes").outLines()).anySatisfy(l -> assertThat(l).startsWith(self).contains("draining"));
        String job = submit("submit", "noop");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> status(job).equals("pending"));

        Run resumed = ordo("nodes", "resume", self, "--json");
        assertThat(resumed.exit()).as(resumed.toString()).isZero();
        JsonNode order = ApiJson.read(resumed.out());
        assertThat(order.path("kind").asText()).isEqualTo("resume");
        assertThat(order.path("status").asText()).isEqualTo("done");
        assertThat(order.path("taken_by").asText()).isEqualTo(self);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(job).equals("completed"));
        assertThat(ordo("nodes").outLines()).anySatisfy(l -> assertThat(l).startsWith(self).contains("alive"));
    }

    @Test
    void unknownNodesAndBadIdsAreClearErrors() {
        assertOneLineError(ordo("nodes", "drain", "nobody"), Main.FAILED, "no node 'nobody' in this cluster ('ordo nodes' lists them)");
        assertOneLineError(ordo("nodes", "stop", "nobody"), Main.FAILED, "no node 'nobody'");
        assertOneLineError(ordo("nodes", "drain", "a/b"), Main.USAGE, "'a/b' is not a node id");
        assertThat(ordo("nodes", "drain").exit()).isEqualTo(Main.USAGE);
    }

    @Test
    void stopEndsTheNodeItIsSentTo() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> ordo("nodes").out().contains(self));
        Run r = ordo("nodes", "stop", self);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).containsExactly("node " + self + " is stopping");
        // as on SIGTERM: the server closes by itself
        Thread closer = Thread.ofVirtual().start(() -> {
            try {
                server.awaitClose();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(closer.join(Duration.ofSeconds(20))).isTrue();
    }
}
