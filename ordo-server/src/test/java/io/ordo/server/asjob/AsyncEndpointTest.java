package io.ordo.server.asjob;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.asjob.AsJobs;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.util.Json;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The async endpoint in an application's own Javalin, on a node with the in-memory store. */
public class AsyncEndpointTest {
    static final String PATH = "/api/documents/process";
    static final Set<String> STATUS_FIELDS = Set.of("job_id", "status", "created_at", "started_at", "ended_at", "elapsed_time", "progress");

    static Documents.Impl impl;
    static Ordo ordo;
    static Javalin app;
    static Http http;

    @BeforeAll
    static void start() {
        impl = new Documents.Impl();
        OrdoConfig config = OrdoConfig.defaults().storeUrl("memory:").queue("default", 8).queue("docs", 2)
                .maintenanceInterval(Duration.ofMillis(50)).pruneInterval(Duration.ofMillis(100), 1000);
        AsJobs.register(config, Documents.class, impl);
        ordo = Ordo.create(config).start();
        List<AsyncEndpoint> endpoints = List.of(
                AsyncEndpoint.of(ordo, PATH, Documents.class, "process"),
                AsyncEndpoint.of(ordo, "/api/documents/fail", Documents.class, "fail"),
                AsyncEndpoint.of(ordo, "/api/documents/gated", Documents.class, "gated"),
                AsyncEndpoint.of(ordo, "/api/documents/short", Documents.class, "shortLived"),
                AsyncEndpoint.of(ordo, "/api/noop", "noop").maxBodyBytes(1024));
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            endpoints.forEach(e -> e.register(cfg));
        }).start("127.0.0.1", 0);
        http = new Http("http://localhost:" + app.port());
    }

    @AfterAll
    static void stop() {
        http.close();
        app.stop();
        ordo.close();
    }

    static List<String> fields(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static Response awaitStatus(String url, String status) {
        Response[] last = new Response[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            last[0] = http.get(url);
            return last[0].json().path("status").asText().equals(status);
        });
        return last[0];
    }

    @Test
    void postAnswers202InTheSeedsShape() {
        Response r = http.post(PATH, "{\"doc\": {\"title\": \"Report\", \"lines\": [\"one two three\"]}, \"maxWords\": 2}");

        assertThat(r.status()).isEqualTo(202);
        assertThat(fields(r.json())).containsExactly("success", "job_id", "status", "message", "status_url");
        String id = r.json().get("job_id").asText();
        assertThat(r.json().get("success").asBoolean()).isTrue();
        assertThat(r.json().get("status").asText()).isEqualTo("enqueued");
        assertThat(r.json().get("status_url").asText()).isEqualTo(PATH + "?job_id=" + id);
        assertThat(r.json().get("message").asText()).isEqualTo("job " + id + " (Documents.process) enqueued on queue 'docs'; GET status_url for its status and result");
        assertThat(r.header("Location")).isEqualTo(PATH + "?job_id=" + id);
        assertThat(r.header("Content-Type")).startsWith("application/json");

        Job job = ordo.jobs().require(UUID.fromString(id));
        assertThat(job.type()).isEqualTo("Documents.process");
        assertThat(job.queue()).isEqualTo("docs");
        assertThat(job.resultTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(job.payload()).isEqualTo(Json.parse("{\"doc\": {\"title\": \"Report\", \"lines\": [\"one two three\"]}, \"maxWords\": 2}"));

        Response done = awaitStatus(r.json().get("status_url").asText(), "completed");
        assertThat(fields(done.json())).containsExactly("job_id", "status", "created_at", "started_at", "ended_at", "elapsed_time",
                "progress", "result", "result_expires_at", "result_expired");
        assertThat(done.json().get("result")).isEqualTo(Json.parse("{\"title\": \"Report\", \"words\": 2}"));
        assertThat(done.json().get("result_expired").asBoolean()).isFalse();
        Job finished = ordo.jobs().require(job.id());
        assertThat(done.json().get("result_expires_at").asText()).isEqualTo(iso(finished.resultExpiresAt()));
        assertThat(done.json().get("created_at").asText()).isEqualTo(iso(finished.createdAt()));
        assertThat(done.json().get("started_at").asText()).isEqualTo(iso(finished.startedAt()));
        assertThat(done.json().get("ended_at").asText()).isEqualTo(iso(finished.finishedAt()));
        assertThat(done.json().get("elapsed_time").isNumber()).isTrue();
        assertThat(done.json().get("elapsed_time").asDouble())
                .isEqualTo(Duration.between(finished.startedAt(), finished.finishedAt()).toMillis() / 1000.0);

        // the same document at path/{job_id}
        assertThat(http.get(PATH + "/" + id).json()).isEqualTo(done.json());
    }

    static String iso(Instant t) {
        return java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC).format(t);
    }

    @Test
    void statusWhileRunningThenAfterCompletion() {
        Response r = http.post("/api/documents/gated", "{\"name\": \"door\"}");
        String url = r.json().get("status_url").asText();

        Response running = awaitStatus(url, "running");
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get(url).json().at("/progress/current").asLong() == 1);
        running = http.get(url);
        assertThat(fields(running.json())).containsExactlyInAnyOrderElementsOf(STATUS_FIELDS);
        assertThat(running.json().get("status").asText()).isEqualTo("running");
        assertThat(running.json().get("started_at").isTextual()).isTrue();
        assertThat(running.json().get("ended_at").isNull()).isTrue();
        assertThat(running.json().get("elapsed_time").isNumber()).isTrue();
        assertThat(running.json().get("elapsed_time").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(running.json().get("progress")).isEqualTo(Json.parse("{\"current\": 1, \"total\": 2, \"text\": \"waiting for door\"}"));

        impl.open("door");
        Response done = awaitStatus(url, "completed");
        assertThat(done.json().get("result").asText()).isEqualTo("opened door");
        assertThat(done.json().get("progress")).isEqualTo(Json.parse("{\"current\": 2, \"total\": 2, \"text\": \"done\"}"));
        assertThat(done.json().get("ended_at").isTextual()).isTrue();
        assertThat(done.json().get("result_expires_at").isNull()).isTrue();
    }

    @Test
    void statusAfterFailureCarriesTheError() {
        Response r = http.post("/api/documents/fail", "{\"why\": \"corrupt pdf\"}");
        Response failed = awaitStatus(r.json().get("status_url").asText(), "failed");

        assertThat(fields(failed.json())).containsExactly("job_id", "status", "created_at", "started_at", "ended_at", "elapsed_time",
                "progress", "error");
        assertThat(failed.json().get("error")).isEqualTo(Json.parse(
                "{\"message\": \"IllegalStateException: cannot process: corrupt pdf\", \"reason\": \"error\"}"));
    }

    @Test
    void anExpiredResultIsFlagged() {
        Response r = http.post("/api/documents/short", "{\"s\": \"x\"}");
        String url = r.json().get("status_url").asText();
        awaitStatus(url, "completed");
        Response expired = await().atMost(Duration.ofSeconds(10)).until(() -> http.get(url), x -> x.json().get("result_expired").asBoolean());
        assertThat(expired.json().get("result").isNull()).isTrue();
        assertThat(expired.json().get("result_expires_at").isTextual()).isTrue();
    }

    @Test
    void aPlainJobTypeWorksToo() {
        Response r = http.post("/api/noop", "{}");
        assertThat(r.status()).isEqualTo(202);
        Response done = awaitStatus(r.json().get("status_url").asText(), "completed");
        assertThat(done.json().get("result").isNull()).isTrue();
        assertThat(ordo.jobs().require(UUID.fromString(r.json().get("job_id").asText())).queue()).isEqualTo("default");
    }

    @Test
    void unknownJobIs404InTheErrorShape() {
        UUID id = UUID.randomUUID();
        for (String url : List.of(PATH + "?job_id=" + id, PATH + "/" + id)) {
            Response r = http.get(url);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json()).isEqualTo(Json.parse("{\"error\": {\"code\": \"not_found\", \"message\": \"job " + id + " not found\", \"details\": {}}}"));
        }
    }

    @Test
    void aJobOfAnotherTypeIs404Too() {
        Job other = ordo.jobs().submit(JobRequest.of("noop"));
        Job sibling = ordo.jobs().submit(JobRequest.of("Documents.fail").payload(java.util.Map.of("why", "x")));
        for (Job j : List.of(other, sibling)) {
            Response r = http.get(PATH + "?job_id=" + j.id());
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json()).isEqualTo(Json.parse("{\"error\": {\"code\": \"not_found\", \"message\": \"job " + j.id() + " not found\", \"details\": {}}}"));
            assertThat(http.get(PATH + "/" + j.id()).status()).isEqualTo(404);
        }
        // ... while its own endpoint shows it
        assertThat(http.get("/api/noop?job_id=" + other.id()).status()).isEqualTo(200);
    }

    @Test
    void badRequestsAre400InTheErrorShape() {
        Response malformed = http.post(PATH, "{\"doc\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(fields(malformed.json())).containsExactly("error");
        assertThat(fields(malformed.json().get("error"))).containsExactly("code", "message", "details");
        assertThat(malformed.errorCode()).isEqualTo("invalid_request");
        assertThat(malformed.errorMessage()).startsWith("request body is not valid JSON: ");

        Response empty = http.post(PATH, "");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.errorMessage()).isEqualTo("request body is empty; send a JSON object");

        Response array = http.post(PATH, "[1, 2]");
        assertThat(array.status()).isEqualTo(400);
        assertThat(array.errorMessage()).isEqualTo("request body must be a JSON object of the parameters [doc, maxWords]");

        Response unfit = http.post(PATH, "{\"doc\": \"just text\", \"maxWords\": 3}");
        assertThat(unfit.status()).isEqualTo(400);
        assertThat(unfit.errorMessage()).startsWith("Documents.process: parameter 'doc' does not fit Documents.Doc: ");

        Response missing = http.post(PATH, "{\"doc\": {\"title\": \"t\", \"lines\": []}}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorMessage()).isEqualTo("Documents.process: parameter 'maxWords' (int) is required");

        Response unknown = http.post(PATH, "{\"maxWords\": 3, \"docs\": []}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorMessage()).isEqualTo("Documents.process: unknown field 'docs'; the parameters are [doc, maxWords]");

        Response noId = http.get(PATH);
        assertThat(noId.status()).isEqualTo(400);
        assertThat(noId.json()).isEqualTo(Json.parse("{\"error\": {\"code\": \"invalid_request\", \"message\": \"job_id is required: GET "
                + PATH + "?job_id=ID\", \"details\": {\"field\": \"job_id\"}}}"));

        Response badId = http.get(PATH + "?job_id=nope");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.json()).isEqualTo(Json.parse("{\"error\": {\"code\": \"invalid_request\", \"message\": \"'nope' is not a job id (a UUID)\", \"details\": {\"field\": \"job_id\"}}}"));

        Response tooLarge = http.post("/api/noop", "{\"pad\": \"" + "x".repeat(2000) + "\"}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.errorCode()).isEqualTo("too_large");

        // nothing above was stored
        assertThat(ordo.jobs().list(io.ordo.core.model.JobFilter.ALL.withType("Documents.process"), null).items())
                .allSatisfy(j -> assertThat(j.payload().path("maxWords").isInt()).isTrue());
    }

    @Test
    void endpointsAreCheckedWhenMade() {
        assertThatThrownBy(() -> AsyncEndpoint.of(ordo, "/x", "nobody-handles-this"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("job type 'nobody-handles-this' has no handler on this node; register it before creating the endpoint");
        assertThatThrownBy(() -> AsyncEndpoint.of(ordo, "/x", "bad type"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type 'bad type' is invalid");
        assertThatThrownBy(() -> AsyncEndpoint.of(ordo, "no-slash", "noop"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoint path must start with '/'");
        assertThatThrownBy(() -> AsyncEndpoint.of(ordo, "/x/{id}", "noop"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no parameters or wildcards");
        assertThatThrownBy(() -> AsyncEndpoint.of(ordo, "/x", Documents.class, "nope"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("Documents has no @AsJob method named 'nope'");
        assertThat(AsyncEndpoint.of(ordo, "/x", "noop").statusUrl(new UUID(0, 1))).isEqualTo("/x?job_id=00000000-0000-0000-0000-000000000001");
    }
}
