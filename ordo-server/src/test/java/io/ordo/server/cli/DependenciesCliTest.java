package io.ordo.server.cli;

import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code submit --depends-on/--run-on-failure} and what {@code jobs show} says of a job waiting on others. */
class DependenciesCliTest {
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

    @Test
    void aJobWaitsOnTwoOthersAndJobsShowSaysOnWhat() {
        String a = Cli.run(env, "submit", "sleep", "--payload", "{\"ms\": 800}").outLines().get(0);
        String b = Cli.run(env, "submit", "sleep", "--payload", "{\"ms\": 800}").outLines().get(0);
        Cli.Run r = Cli.run(env, "submit", "noop", "--depends-on", a + "," + b, "--run-on-failure");
        assertThat(r.exit()).as(r.toString()).isZero();
        String id = r.outLines().get(0);
        Cli.Run show = Cli.run(env, "jobs", "show", id);
        assertThat(show.out()).contains("waiting").contains("depends_on   " + a + ", " + b + " (runs on failure)")
                .containsPattern("waiting +waiting on .*" + a);
        await().atMost(Duration.ofSeconds(15)).until(() -> Cli.run(env, "jobs", "show", id).out().contains("completed"));
        assertThat(Cli.run(env, "jobs", "show", id).out()).doesNotContain("waiting on");
    }

    @Test
    void badDependenciesExit2WithOneLine() {
        Map<String, String> nowhere = Map.of("ORDO_SERVER", "http://127.0.0.1:1");
        Cli.Run notAnId = Cli.run(nowhere, "submit", "noop", "--depends-on", "abc");
        assertThat(notAnId.exit()).as(notAnId.toString()).isEqualTo(Main.USAGE);
        assertThat(notAnId.errLines()).singleElement().asString().contains("--depends-on").contains("'abc' is not a job id");
        Cli.Run lonely = Cli.run(nowhere, "submit", "noop", "--run-on-failure");
        assertThat(lonely.exit()).as(lonely.toString()).isEqualTo(Main.USAGE);
        assertThat(lonely.errLines()).singleElement().asString().contains("--run-on-failure needs --depends-on");
        // the server refuses an id it does not know: nothing is written
        long before = server.ordo().jobs().stats().total();
        String unknown = UUID.randomUUID().toString();
        Cli.Run r = Cli.run(env, "submit", "noop", "--depends-on", unknown);
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("depends_on").contains(unknown);
        assertThat(server.ordo().jobs().stats().total()).isEqualTo(before);
        assertThat(List.of(r.out())).allMatch(String::isBlank);
    }
}
