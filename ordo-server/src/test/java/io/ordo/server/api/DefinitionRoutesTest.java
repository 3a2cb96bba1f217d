package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.util.Uuids;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code /api/jobs/definitions}: every route, its body shapes and its error codes. */
class DefinitionRoutesTest {
    static final Set<String> SUMMARY_FIELDS = Set.of("id", "name", "description", "format", "version", "enabled", "schedule", "timezone", "tags",
            "steps", "created_at", "updated_at", "next_run_at", "last_run");
    static final Set<String> COUNT_FIELDS = Set.of("scheduled", "pending", "running", "waiting", "completed", "failed", "cancelled",
            "skipped", "total");

    static OrdoServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    static String yaml(String id) {
        return "id: " + id + "\nname: Test " + id + "\ndescription: d\ntags: [t1]\nsteps:\n  - {name: a, action: noop}\n  - {name: b, action: sleep, depends: a, config: {ms: 10}}\n";
    }

    static String body(String file, String source) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (file != null) o.put("file", file);
        o.put("source", source);
        return o.toString();
    }

    static Response create(String id) {
        return http.post("/api/jobs/definitions", body(id + ".yaml", yaml(id)));
    }

    static Response assertError(Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.errorCode()).as(r.toString()).isEqualTo(code);
        assertThat(fields(r.json().path("error"))).containsExactlyInAnyOrder("code", "message", "details");
        return r;
    }

    static Response awaitStatus(String jobId, String status) {
        Response[] last = new Response[1];
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            last[0] = http.get("/api/jobs/" + jobId);
            return last[0].json().path("status").asText().equals(status);
        });
        return last[0];
    }

    // ---- create, get, list ----------------------------------------------------------------------

    @Test
    void createFromSourceAnswers201WithTheFullDefinition() {
        Response r = create("r-create");

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.header("Location")).isEqualTo("/api/jobs/definitions/r-create");
        JsonNode d = r.json();
        Set<String> full = new HashSet<>(SUMMARY_FIELDS);
        full.addAll(Set.of("definition", "source", "change"));
        assertThat(fields(d)).isEqualTo(full);
        assertThat(d.path("id").asText()).isEqualTo("r-create");
        assertThat(d.path("name").asText()).isEqualTo("Test r-create");
        assertThat(d.path("description").asText()).isEqualTo("d");
        assertThat(d.path("format").asText()).isEqualTo("yaml");
        assertThat(d.path("version").asInt()).isEqualTo(1);
        assertThat(d.path("enabled").asBoolean()).isTrue();
        assertThat(d.path("schedule").isNull()).isTrue();
        assertThat(d.path("tags").toString()).isEqualTo("[\"t1\"]");
        assertThat(d.path("steps").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(d.path("change").asText()).isEqualTo("created");
        assertThat(d.path("source").asText()).isEqualTo(yaml("r-create"));
        assertThat(d.path("definition").path("steps").get(1).path("depends").toString()).isEqualTo("[\"a\"]");
        assertThat(d.path("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

        Response got = http.get("/api/jobs/definitions/r-create");
        assertThat(got.status()).isEqualTo(200);
        Set<String> withoutChange = new HashSet<>(full);
        withoutChange.remove("change");
        assertThat(fields(got.json())).isEqualTo(withoutChange);
        assertThat(got.json().path("definition")).isEqualTo(d.path("definition"));
    }

    @Test
    void createFromAJsonDefinitionAndFromTomlWithAFormat() {
        JsonNode asJson = create("r-json-src").json().path("definition");
        ObjectNode def = asJson.deepCopy();
        def.put("id", "r-json");
        Response r = http.post("/api/jobs/definitions", "{\"definition\": " + def + "}");
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().path("format").asText()).isEqualTo("json");
        assertThat(r.json().path("definition")).isEqualTo(def);

        String toml = "id = \"r-toml\"\n[[steps]]\nname = \"a\"\naction = \"noop\"\n";
        Response t = http.post("/api/jobs/definitions", "{\"format\": \"toml\", \"source\": " + JsonNodeFactory.instance.textNode(toml) + "}");
        assertThat(t.status()).as(t.toString()).isEqualTo(201);
        assertThat(t.json().path("format").asText()).isEqualTo("toml");
        assertThat(t.json().path("source").asText()).isEqualTo(toml);
    }

    @Test
    void createOfAnExistingIdIs409WithTheId() {
        create("r-twice");
        Response again = assertError(create("r-twice"), 409, "conflict");
        assertThat(again.json().path("error").path("details").path("id").asText()).isEqualTo("r-twice");
        assertThat(again.json().path("error").path("details").path("version").asInt()).isEqualTo(1);
    }

    @Test
    void anInvalidDefinitionIs422WithEveryProblemAndStoresNothing() {
        String text = "id: r-invalid\ntimeout: never\nsteps:\n  - {name: a, action: nope}\n  - {name: b, action: noop, depends: [zz]}\n";
        Response r = assertError(http.post("/api/jobs/definitions", body("bad.yaml", text)), 422, "invalid_definition");

        JsonNode problems = r.json().path("error").path("details").path("problems");
        assertThat(problems).hasSize(3);
        assertThat(fields(problems.get(0))).containsExactlyInAnyOrder("file", "field", "message");
        List<String> fieldsOf = new ArrayList<>();
        problems.forEach(p -> fieldsOf.add(p.path("field").asText()));
        assertThat(fieldsOf).containsExactly("timeout", "steps[0].action", "steps[1].depends[0]");
        assertThat(problems.get(1).path("file").asText()).isEqualTo("bad.yaml");
        assertThat(problems.get(1).path("message").asText()).startsWith("unknown action 'nope' (known: agent, crawl, exec, fail, git, http, maintenance, noop, sleep, transform)");
        assertThat(r.errorMessage()).startsWith("job definition bad.yaml is invalid (3 problems); nothing was stored:");
        assertError(http.get("/api/jobs/definitions/r-invalid"), 404, "not_found");

        Response syntax = assertError(http.post("/api/jobs/definitions", body("s.yaml", "id: [")), 422, "invalid_definition");
        JsonNode p = syntax.json().path("error").path("details").path("problems").get(0);
        assertThat(p.path("field").isNull()).isTrue();
        assertThat(p.path("message").asText()).startsWith("not valid YAML: line ");
    }

    @Test
    void badBodiesAre400() {
        assertError(http.post("/api/jobs/definitions", "not json"), 400, "invalid_request");
        assertThat(assertError(http.post("/api/jobs/definitions", "{}"), 400, "invalid_request").errorMessage())
                .contains("send the definition as 'source'");
        assertThat(assertError(http.post("/api/jobs/definitions", "{\"source\": \"x\", \"definition\": {}, \"file\": \"a.yaml\"}"), 400,
                "invalid_request").errorMessage()).contains("not both");
        assertThat(assertError(http.post("/api/jobs/definitions", "{\"source\": \"id: x\", \"file\": \"a.yaml\", \"extra\": 1}"), 400,
                "invalid_request").errorMessage()).contains("unknown field 'extra'");
        Response noFormat = assertError(http.post("/api/jobs/definitions", "{\"source\": \"id: x\"}"), 400, "invalid_request");
        assertThat(noFormat.errorMessage()).contains("give 'format' (yaml, toml or json)");
        assertThat(noFormat.json().path("error").path("details").path("field").asText()).isEqualTo("format");
        assertThat(assertError(http.post("/api/jobs/definitions", "{\"source\": \"id: x\", \"file\": \"a.txt\"}"), 400, "invalid_request")
                .json().path("error").path("details").path("field").asText()).isEqualTo("file");
        assertThat(assertError(http.post("/api/jobs/definitions", "{\"source\": \"id: x\", \"format\": \"xml\"}"), 400, "invalid_request")
                .errorMessage()).contains("must be one of yaml, toml, json");
        assertError(http.post("/api/jobs/definitions", "{\"source\": 5, \"format\": \"yaml\"}"), 400, "invalid_request");
        assertError(http.post("/api/jobs/definitions", "{\"definition\": [1]}"), 400, "invalid_request");
    }

    @Test
    void listHasEverySummary() {
        create("r-list-1");
        create("r-list-2");

        Response r = http.get("/api/jobs/definitions");

        assertThat(r.status()).isEqualTo(200);
        assertThat(fields(r.json())).containsExactly("definitions");
        List<String> ids = new ArrayList<>();
        r.json().path("definitions").forEach(d -> {
            ids.add(d.path("id").asText());
            assertThat(fields(d)).isEqualTo(SUMMARY_FIELDS);
        });
        assertThat(ids).contains("r-list-1", "r-list-2");
    }

    @Test
    void getOfAnUnknownDefinitionIs404AndDefinitionsIsNotAJobId() {
        assertThat(assertError(http.get("/api/jobs/definitions/r-nope"), 404, "not_found").errorMessage())
                .isEqualTo("job definition 'r-nope' not found");
        assertThat(http.get("/api/jobs/definitions").status()).isEqualTo(200);
        assertError(http.send("PATCH", "/api/jobs/definitions/r-nope", "{}"), 405, "method_not_allowed");
    }

    // ---- replace, delete --------------------------------------------------------------------------

    @Test
    void putCreatesUpdatesOrLeavesUnchanged() {
        String v1 = yaml("r-put");
        String v2 = v1 + "  - {name: c, action: noop, depends: b}\n";

        Response created = http.send("PUT", "/api/jobs/definitions/r-put", body("r-put.yaml", v1));
        Response same = http.send("PUT", "/api/jobs/definitions/r-put", body("r-put.yaml", v1));
        Response updated = http.send("PUT", "/api/jobs/definitions/r-put", body("r-put.yaml", v2));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("change").asText()).isEqualTo("created");
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().path("change").asText()).isEqualTo("unchanged");
        assertThat(same.json().path("version").asInt()).isEqualTo(1);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().path("change").asText()).isEqualTo("updated");
        assertThat(updated.json().path("version").asInt()).isEqualTo(2);
        assertThat(updated.json().path("steps").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
    }

    @Test
    void putChecksTheIdAndKeepsTheOldVersionWhenInvalid() {
        http.send("PUT", "/api/jobs/definitions/r-put-bad", body("x.yaml", yaml("r-put-bad")));

        Response mismatch = assertError(http.send("PUT", "/api/jobs/definitions/r-put-bad", body("x.yaml", yaml("other"))), 422,
                "invalid_definition");
        assertThat(mismatch.json().path("error").path("details").path("problems").get(0).path("field").asText()).isEqualTo("id");
        assertThat(mismatch.json().path("error").path("details").path("problems").get(0).path("message").asText())
                .isEqualTo("is 'other' but this request is for definition 'r-put-bad'");
        assertError(http.send("PUT", "/api/jobs/definitions/r-put-bad", body("x.yaml", "id: r-put-bad\nsteps: []\n")), 422, "invalid_definition");

        assertThat(http.get("/api/jobs/definitions/r-put-bad").json().path("version").asInt()).isEqualTo(1);
        assertError(http.get("/api/jobs/definitions/other"), 404, "not_found");
    }

    @Test
    void deleteAnswersTheIdThen404() {
        create("r-delete");

        Response r = http.send("DELETE", "/api/jobs/definitions/r-delete", (String) null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().toString()).isEqualTo("{\"id\":\"r-delete\",\"deleted\":true}");
        assertError(http.get("/api/jobs/definitions/r-delete"), 404, "not_found");
        assertError(http.send("DELETE", "/api/jobs/definitions/r-delete", (String) null), 404, "not_found");
    }

    // ---- execute, follow ----------------------------------------------------------------------------

    @Test
    void executeAnswers202AndTheRunCompletesWithChildrenAndTreeCounts() {
        create("r-exec");

        Response r = http.post("/api/jobs/definitions/r-exec/execute", null);

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(fields(r.json())).containsExactlyInAnyOrder("job_id", "status", "status_url", "definition_id", "version");
        String runId = r.json().path("job_id").asText();
        assertThat(r.json().path("status_url").asText()).isEqualTo("/api/jobs/" + runId);
        assertThat(r.header("Location")).isEqualTo("/api/jobs/" + runId);
        assertThat(r.json().path("definition_id").asText()).isEqualTo("r-exec");
        assertThat(r.json().path("version").asInt()).isEqualTo(1);

        JsonNode run = awaitStatus(runId, "completed").json();
        assertThat(run.path("definition_id").asText()).isEqualTo("r-exec");
        assertThat(fields(run.path("children"))).isEqualTo(COUNT_FIELDS);
        assertThat(run.path("children").path("completed").asInt()).isEqualTo(2);
        assertThat(run.path("children").path("total").asInt()).isEqualTo(2);
        assertThat(fields(run.path("tree"))).isEqualTo(COUNT_FIELDS);
        assertThat(run.path("tree").path("completed").asInt()).isEqualTo(2);

        Response children = http.get("/api/jobs/" + runId + "/children");
        assertThat(children.status()).isEqualTo(200);
        assertThat(fields(children.json())).containsExactlyInAnyOrder("jobs", "next_cursor");
        List<String> steps = new ArrayList<>();
        children.json().path("jobs").forEach(j -> steps.add(j.path("step").asText()));
        assertThat(steps).containsExactly("b", "a"); // newest first
        assertThat(children.json().path("next_cursor").isNull()).isTrue();

        // a step is not a root: children (none) and no tree
        JsonNode step = http.get("/api/jobs/" + children.json().path("jobs").get(0).path("id").asText()).json();
        assertThat(step.has("children")).isFalse();
        assertThat(step.has("tree")).isFalse();
    }

    @Test
    void childrenArePagedWithACursor() {
        create("r-pages");
        String runId = http.post("/api/jobs/definitions/r-pages/execute", null).json().path("job_id").asText();
        awaitStatus(runId, "completed");

        Response first = http.get("/api/jobs/" + runId + "/children?limit=1");
        String cursor = first.json().path("next_cursor").asText();
        Response second = http.get("/api/jobs/" + runId + "/children?limit=1&cursor=" + cursor);

        assertThat(first.json().path("jobs")).hasSize(1);
        assertThat(first.json().path("jobs").get(0).path("step").asText()).isEqualTo("b");
        assertThat(second.json().path("jobs")).hasSize(1);
        assertThat(second.json().path("jobs").get(0).path("step").asText()).isEqualTo("a");
        assertThat(second.json().path("next_cursor").isNull() || http.get("/api/jobs/" + runId + "/children?limit=1&cursor="
                + second.json().path("next_cursor").asText()).json().path("jobs").isEmpty()).isTrue();

        assertError(http.get("/api/jobs/" + runId + "/children?limit=0"), 400, "invalid_request");
        assertError(http.get("/api/jobs/" + runId + "/children?limit=x"), 400, "invalid_request");
        assertError(http.get("/api/jobs/" + runId + "/children?cursor=!!"), 400, "invalid_request");
        assertError(http.get("/api/jobs/" + Uuids.v7() + "/children"), 404, "not_found");
        assertError(http.get("/api/jobs/nope/children"), 400, "invalid_request");
    }

    @Test
    void executeOfAnUnknownDefinitionIs404() {
        assertError(http.post("/api/jobs/definitions/r-ghost/execute", null), 404, "not_found");
    }

    @Test
    void aSecondRunWhileOneIsGoingIs409UnlessOverlapIsAllowed() {
        String slow = "id: %s\nallow_overlap: %s\nsteps:\n  - {name: s, action: sleep, config: {ms: 60000}}\n";
        http.post("/api/jobs/definitions", body("o.yaml", slow.formatted("r-no-overlap", "false")));
        http.post("/api/jobs/definitions", body("o.yaml", slow.formatted("r-overlap", "true")));

        String first = http.post("/api/jobs/definitions/r-no-overlap/execute", null).json().path("job_id").asText();
        Response second = assertError(http.post("/api/jobs/definitions/r-no-overlap/execute", null), 409, "conflict");
        assertThat(second.errorMessage()).contains("has a run still going (" + first + ")");

        Response a = http.post("/api/jobs/definitions/r-overlap/execute", null);
        Response b = http.post("/api/jobs/definitions/r-overlap/execute", null);
        assertThat(a.status()).isEqualTo(202);
        assertThat(b.status()).isEqualTo(202);
        assertThat(a.json().path("job_id")).isNotEqualTo(b.json().path("job_id"));

        for (String id : List.of(first, a.json().path("job_id").asText(), b.json().path("job_id").asText())) {
            server.ordo().jobs().cancel(Uuids.parse(id));
            awaitStatus(id, "cancelled");
        }
        // once the run ended, a new one may start
        assertThat(http.post("/api/jobs/definitions/r-no-overlap/execute", null).status()).isEqualTo(202);
    }

    // ---- validate -----------------------------------------------------------------------------------

    @Test
    void validateAnswers200WithValidProblemsAndDefinitionAndStoresNothing() {
        Response ok = http.post("/api/jobs/definitions/validate", body("v.yaml", yaml("r-validate")));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(fields(ok.json())).containsExactlyInAnyOrder("valid", "problems", "definition");
        assertThat(ok.json().path("valid").asBoolean()).isTrue();
        assertThat(ok.json().path("problems")).isEmpty();
        assertThat(ok.json().path("definition").path("id").asText()).isEqualTo("r-validate");

        Response bad = http.post("/api/jobs/definitions/validate", body("v.toml", "id = \"r-validate\"\nsteps = []\nschedule = \"x\"\n"));
        assertThat(bad.status()).isEqualTo(200);
        assertThat(bad.json().path("valid").asBoolean()).isFalse();
        assertThat(bad.json().path("definition").isNull()).isTrue();
        List<String> f = new ArrayList<>();
        bad.json().path("problems").forEach(p -> f.add(p.path("file").asText() + " " + p.path("field").asText()));
        assertThat(f).containsExactly("v.toml schedule", "v.toml steps");

        assertError(http.get("/api/jobs/definitions/r-validate"), 404, "not_found");
        assertError(http.post("/api/jobs/definitions/validate", "{}"), 400, "invalid_request");
    }

    static Set<String> fields(JsonNode n) {
        Set<String> out = new HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
