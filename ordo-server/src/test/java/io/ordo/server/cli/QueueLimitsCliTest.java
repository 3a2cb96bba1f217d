package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.ApiTestServer;
import io.ordo.server.OrdoServer;
import io.ordo.server.api.ApiJson;
import io.ordo.server.cli.Cli.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.ordo.server.cli.CliTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ordo queues set|limits} and the LIMITS column of {@code ordo queues list}, against a running server of its own. */
class QueueLimitsCliTest {
    static OrdoServer server;
    static Map<String, String> env;

    @BeforeAll
    static void start() {
        server = ApiTestServer.start();
        env = Map.of("ORDO_SERVER", server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Run ordo(String... args) {
        return Cli.run(env, args);
    }

    @Test
    void setShowAndClearLimits() throws Exception {
        String q = "cl-" + UUID.randomUUID().toString().substring(0, 8);
        Run set = ordo("queues", "set", q, "--capacity", "50", "--max-running", "3", "--rate", "100/1m");
        assertThat(set.exit()).as(set.toString()).isZero();
        assertThat(set.outLines()).containsExactly("queue " + q + ": capacity 50, max_running 3, rate 100/1m");

        assertThat(ordo("queues", "set", q, "--rate", "none").outLines()).containsExactly("queue " + q + ": capacity 50, max_running 3");
        Run list = ordo("queues", "list");
        assertThat(list.outLines().get(0)).endsWith("LIMITS");
        assertThat(list.outLines()).anySatisfy(l -> assertThat(l).startsWith(q).endsWith("cap=50 run=3"));

        assertThat(ordo("queues", "set", "render", "--type", "--max-running", "2").outLines()).containsExactly("type render: max_running 2");
        JsonNode all = ApiJson.read(ordo("queues", "limits", "--json").out());
        assertThat(all.path("limits").toString()).contains("\"scope\":\"type\"", "\"name\":\"render\"", "\"name\":\"" + q + "\"");
        assertThat(ordo("queues", "limits").outLines()).anySatisfy(l -> assertThat(l).startsWith("type").contains("render"));

        assertThat(ordo("queues", "set", q, "--clear").outLines()).containsExactly("queue " + q + ": no limits");
        assertThat(ordo("queues", "set", "render", "--type", "--clear").exit()).isZero();
        assertThat(ordo("queues", "limits").outLines()).containsExactly("no limits stored");
    }

    @Test
    void badInputIsAClearErrorAndChangesNothing() throws Exception {
        String q = "cb-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(ordo("queues", "set", q, "--max-running", "4").exit()).isZero();
        assertOneLineError(ordo("queues", "set", q, "--max-running", "abc"), Main.USAGE, "--max-running must be a whole number");
        assertOneLineError(ordo("queues", "set", q), Main.USAGE, "nothing to set");
        assertOneLineError(ordo("queues", "set", q, "--clear", "--rate", "1/1s"), Main.USAGE, "--clear");
        assertThat(ordo("queues", "set", q, "--rate", "0/1m", "--capacity", "5").exit()).isNotZero();
        assertThat(ordo("queues", "set", q, "--rate", "5/0s").err()).contains("rate '5/0s' is invalid");
        assertThat(ordo("queues", "set", q, "--capacity", "0").err()).contains("at least 1");
        JsonNode now = ApiJson.read(ordo("queues", "limits", "--json").out());
        for (JsonNode l : now.path("limits")) {
            if (!l.path("name").asText().equals(q)) continue;
            assertThat(l.path("max_running").asInt()).isEqualTo(4);
            assertThat(l.path("capacity").isNull()).as("nothing half-applied").isTrue();
            assertThat(l.path("rate").isNull()).isTrue();
        }
    }
}
