package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.ApiTestServer;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /api/schedules}: create, list, get, pause, resume, run now, delete; bad input is a 400 naming the field and writes nothing. */
class ScheduleRoutesTest {
    static OrdoServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = ApiTestServer.start();
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    private static String id() {
        return "sch-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static JsonNode status(Response r, int status) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        return r.json();
    }

    @Test
    void createListPauseResumeRunAndDelete() {
        String id = id();
        JsonNode s = status(http.post("/api/schedules", "{\"id\": \"" + id + "\", \"type\": \"noop\", \"cron\": \"30 2 * * *\", "
                + "\"payload\": {\"a\": 1}, \"queue\": \"nightly\", \"priority\": 3, \"timezone\": \"Europe/Berlin\", \"missed\": \"skip\"}"), 201);
        assertThat(s.path("id").asText()).isEqualTo(id);
        assertThat(s.path("timezone").asText()).isEqualTo("Europe/Berlin");
        assertThat(s.path("missed").asText()).isEqualTo("skip");
        assertThat(s.path("queue").asText()).isEqualTo("nightly");
        assertThat(s.path("priority").asInt()).isEqualTo(3);
        assertThat(s.path("payload").path("a").asInt()).isEqualTo(1);
        assertThat(s.path("paused").asBoolean()).isFalse();
        assertThat(s.path("next_run_at").asText()).isNotEmpty();
        assertThat(s.path("last_job_id").isNull()).isTrue();

        assertThat(status(http.get("/api/schedules"), 200).path("schedules").findValuesAsText("id")).contains(id);
        assertThat(status(http.get("/api/schedules/" + id), 200).path("cron").asText()).isEqualTo("30 2 * * *");

        JsonNode paused = status(http.post("/api/schedules/" + id + "/pause", null), 200);
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(paused.path("next_run_at").isNull()).isTrue();
        JsonNode resumed = status(http.post("/api/schedules/" + id + "/resume", null), 200);
        assertThat(resumed.path("paused").asBoolean()).isFalse();
        assertThat(resumed.path("next_run_at").asText()).isNotEmpty();

        JsonNode job = status(http.post("/api/schedules/" + id + "/run", null), 201);
        assertThat(job.path("type").asText()).isEqualTo("noop");
        assertThat(job.path("queue").asText()).isEqualTo("nightly");
        assertThat(job.path("meta").path("schedule_id").asText()).isEqualTo(id);
        assertThat(job.path("meta").path("manual").asBoolean()).isTrue();
        assertThat(status(http.get("/api/schedules/" + id), 200).path("last_job_id").asText()).isEqualTo(job.path("id").asText());

        assertThat(status(http.send("DELETE", "/api/schedules/" + id, (String) null), 200).path("deleted").asBoolean()).isTrue();
        assertThat(http.get("/api/schedules/" + id).status()).isEqualTo(404);
        assertThat(http.send("DELETE", "/api/schedules/" + id, (String) null).status()).isEqualTo(404);
        assertThat(http.post("/api/schedules/" + id + "/pause", null).status()).isEqualTo(404);
        assertThat(http.post("/api/schedules/" + id + "/run", null).status()).isEqualTo(404);
    }

    @Test
    void badInputIsA400NamingTheFieldAndNothingIsWritten() {
        String id = id();
        bad("{\"id\": \"bad id\", \"type\": \"noop\", \"cron\": \"* * * * *\"}", "id");
        bad("{\"id\": \"" + id + "\", \"type\": \"no-such-type\", \"cron\": \"* * * * *\"}", "type");
        bad("{\"id\": \"" + id + "\", \"type\": \"noop\", \"cron\": \"every minute\"}", "cron");
        bad("{\"id\": \"" + id + "\", \"type\": \"noop\", \"cron\": \"* * * * *\", \"timezone\": \"Mars/Olympus\"}", "timezone");
        bad("{\"id\": \"" + id + "\", \"type\": \"noop\", \"cron\": \"* * * * *\", \"missed\": \"twice\"}", "missed");
        bad("{\"id\": \"" + id + "\", \"type\": \"noop\", \"cron\": \"* * * * *\", \"queue\": \"a b\"}", "queue");
        bad("{\"id\": \"" + id + "\", \"type\": \"noop\", \"cron\": \"* * * * *\", \"payload\": [1]}", "payload");
        bad("{\"id\": \"" + id + "\", \"type\": \"noop\", \"cron\": \"* * * * *\", \"priority\": \"high\"}", "priority");
        bad("{\"id\": \"" + id + "\", \"type\": \"noop\"}", "cron");
        bad("{\"id\": \"" + id + "\", \"type\": \"noop\", \"cron\": \"* * * * *\", \"colour\": \"red\"}", "colour");
        assertThat(http.get("/api/schedules/" + id).status()).isEqualTo(404);
        assertThat(status(http.get("/api/schedules"), 200).path("schedules").findValuesAsText("id")).doesNotContain(id);
    }

    private static void bad(String body, String field) {
        Response r = http.post("/api/schedules", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("error").path("details").path("field").asText()).as(r.toString()).isEqualTo(field);
    }
}
