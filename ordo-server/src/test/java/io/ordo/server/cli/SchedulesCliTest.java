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

/** {@code ordo schedules create|list|pause|resume|run|delete} against a running server of its own. */
class SchedulesCliTest {
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

    private static String id() {
        return "cs-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void createListPauseResumeRunDelete() throws Exception {
        String id = id();
        Run create = ordo("schedules", "create", id, "--cron", "30 2 * * *", "--type", "noop", "--payload", "{\"a\": 1}", "--tz",
                "America/New_York", "--missed", "skip", "--queue", "nightly");
        assertThat(create.exit()).as(create.toString()).isZero();
        assertThat(create.outLines()).singleElement().asString()
                .startsWith("schedule " + id + ": '30 2 * * *' in America/New_York, noop on nightly, missed: skip; next run 20");

        Run list = ordo("schedules", "list");
        assertThat(list.outLines().get(0)).startsWith("ID").contains("CRON", "ZONE", "NEXT RUN");
        assertThat(list.outLines()).anySatisfy(l -> assertThat(l).startsWith(id).contains("America/New_York", "active"));

        assertThat(ordo("schedules", "pause", id).outLines()).containsExactly("schedule " + id + " paused");
        assertThat(ordo("schedules", "list").outLines()).anySatisfy(l -> assertThat(l).startsWith(id).contains("paused"));
        assertThat(ordo("schedules", "resume", id).outLines()).singleElement().asString().startsWith("schedule " + id + " resumed; next run 20");

        Run run = ordo("schedules", "run", id, "--json");
        JsonNode job = ApiJson.read(run.out());
        assertThat(job.path("meta").path("schedule_id").asText()).isEqualTo(id);
        assertThat(ordo("schedules", "run", id).outLines()).singleElement().asString().startsWith("job ").endsWith("(noop on nightly)");

        JsonNode all = ApiJson.read(ordo("schedules", "list", "--json").out());
        assertThat(all.path("schedules").findValuesAsText("id")).contains(id);
        assertThat(ordo("schedules", "delete", id).outLines()).containsExactly("schedule " + id + " deleted");
        assertOneLineError(ordo("schedules", "delete", id), Main.FAILED, "schedule " + id + " not found");
    }

    @Test
    void badInputIsOneLineExit2AndWritesNothing() throws Exception {
        String id = id();
        assertOneLineError(ordo("schedules", "create", id, "--cron", "61 * * * *", "--type", "noop"), Main.USAGE, "cron:");
        assertOneLineError(ordo("schedules", "create", id, "--cron", "* * * * *", "--type", "no-such-type"), Main.USAGE, "no-such-type");
        assertOneLineError(ordo("schedules", "create", id, "--cron", "* * * * *", "--type", "noop", "--tz", "Mars/Olympus"), Main.USAGE,
                "timezone:");
        assertOneLineError(ordo("schedules", "create", id, "--cron", "* * * * *", "--type", "noop", "--missed", "twice"), Main.USAGE,
                "missed:");
        assertOneLineError(ordo("schedules", "create", "bad id", "--cron", "* * * * *", "--type", "noop"), Main.USAGE, "id:");
        assertOneLineError(ordo("schedules", "create", id, "--cron", "* * * * *", "--type", "noop", "--payload", "[1]"), Main.USAGE,
                "--payload must be a JSON object");
        assertOneLineError(ordo("schedules", "create", id, "--cron", "* * * * *", "--type", "noop", "--payload", "{nope"), Main.USAGE,
                "--payload is not valid JSON");
        assertOneLineError(ordo("schedules", "create", id, "--type", "noop"), Main.USAGE, "--cron");
        assertOneLineError(ordo("schedules"), Main.USAGE, "missing subcommand");
        JsonNode all = ApiJson.read(ordo("schedules", "list", "--json").out());
        assertThat(all.path("schedules").findValuesAsText("id")).doesNotContain(id, "bad id");
    }
}
