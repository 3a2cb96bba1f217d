package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad requests get a 4xx in the one error shape, naming what was wrong; never a 500. */
class ApiErrorsTest {
    static final int MAX_BODY = 64 * 1024;
    static OrdoServer server;
    static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(new ServerOptions().maxBodyBytes(MAX_BODY));
        http = new Http(server.url());
    }

    @AfterAll
    static void stop() {
        http.close();
        server.close();
    }

    /** Asserts the status and that the body is exactly {"error": {code, message, details}}. */
    static Response assertError(Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertErrorShape(r);
        assertThat(r.errorCode()).as(r.toString()).isEqualTo(code);
        return r;
    }

    static void assertErrorShape(Response r) {
        assertThat(r.json()).as("JSON body of " + r).isNotNull();
        assertThat(JobRoutesTest.fields(r.json())).as(r.toString()).containsExactly("error");
        JsonNode e = r.json().path("error");
        assertThat(JobRoutesTest.fields(e)).as(r.toString()).containsExactlyInAnyOrder("code", "message", "details");
        assertThat(e.path("code").isTextual()).isTrue();
        assertThat(e.path("message").asText()).isNotBlank();
        assertThat(e.path("details").isObject()).isTrue();
    }

    static Response submit(String body) {
        return http.post("/api/jobs", body);
    }

    @Test
    void unknownJobIdIs404() {
        Response r = assertError(http.get("/api/jobs/" + UUID.randomUUID()), 404, "not_found");
        assertThat(r.errorMessage()).contains("not found");
    }

    @Test
    void aJobIdThatIsNotAUuidIs400() {
        assertThat(assertError(http.get("/api/jobs/not-a-uuid"), 400, "invalid_request").errorMessage()).contains("not-a-uuid");
    }

    @Test
    void unknownRoutesAre404InTheErrorShape() {
        Response r = assertError(http.get("/api/nothing/here"), 404, "not_found");
        assertThat(r.json().path("error").path("details").path("path").asText()).isEqualTo("/api/nothing/here");
        assertError(http.post("/nope", "{}"), 404, "not_found");
    }

    @Test
    void aWrongMethodIs405WithTheAllowedOnes() {
        Response r = assertError(http.get("/api/queues/default/pause"), 405, "method_not_allowed");
        assertThat(r.header("Allow")).isEqualTo("POST");
        assertThat(r.json().path("error").path("details").path("allowed").toString()).isEqualTo("[\"POST\"]");
        assertError(http.send("PUT", "/api/jobs/stats", "{}"), 405, "method_not_allowed");
        assertError(http.send("PUT", "/health", "{}"), 405, "method_not_allowed");
    }

    @Test
    void malformedJsonIs400WithTheLocation() {
        Response r = assertError(submit("{\"type\": \"noop\",,}"), 400, "invalid_request");
        assertThat(r.errorMessage()).startsWith("request body is not valid JSON").contains("line 1");
        assertThat(r.json().path("error").path("details").path("line").asInt()).isEqualTo(1);
        assertError(submit("{\"type\": \"noop\"} trailing"), 400, "invalid_request");
        assertError(submit("{\"type\": \"noop\", \"type\": \"noop\"}"), 400, "invalid_request");
    }

    @Test
    void anEmptyOrNonObjectBodyIs400() {
        assertThat(assertError(submit(""), 400, "invalid_request").errorMessage()).contains("empty");
        assertThat(assertError(submit("[]"), 400, "invalid_request").errorMessage()).contains("must be a JSON object (got an array)");
        assertError(submit("\"noop\""), 400, "invalid_request");
        assertError(submit("null"), 400, "invalid_request");
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        Response r = assertError(submit("{\"type\": \"noop\", \"prio\": 1}"), 400, "invalid_request");
        assertThat(r.errorMessage()).contains("unknown field 'prio'").contains("priority");
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("prio");

        Response nested = assertError(submit("{\"type\": \"noop\", \"backoff\": {\"base\": \"1s\", \"max\": \"2s\"}}"), 400, "invalid_request");
        assertThat(nested.json().path("error").path("details").path("field").asText()).isEqualTo("backoff.max");

        Response inBatch = assertError(http.post("/api/jobs/batch", "{\"jobs\": [{\"type\": \"noop\"}, {\"type\": \"noop\", \"x\": 1}]}"), 400, "invalid_request");
        assertThat(inBatch.json().path("error").path("details").path("field").asText()).isEqualTo("jobs[1].x");

        Response batchTop = assertError(http.post("/api/jobs/batch", "{\"jobs\": [], \"count\": 3}"), 400, "invalid_request");
        assertThat(batchTop.errorMessage()).contains("unknown field 'count'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\": 42}                                   | type         | a string",
            "{\"type\": \"noop\", \"priority\": \"high\"}     | priority     | an integer",
            "{\"type\": \"noop\", \"priority\": 1.5}          | priority     | an integer",
            "{\"type\": \"noop\", \"max_attempts\": \"3\"}    | max_attempts | an integer",
            "{\"type\": \"noop\", \"delay\": true}            | delay        | a duration",
            "{\"type\": \"noop\", \"timeout\": [1]}           | timeout      | a duration",
            "{\"type\": \"noop\", \"queue\": 7}               | queue        | a string",
            "{\"type\": \"noop\", \"tags\": \"a\"}            | tags         | an array of strings",
            "{\"type\": \"noop\", \"tags\": [\"a\", 1]}       | tags[1]      | a string",
            "{\"type\": \"noop\", \"backoff\": \"1s\"}        | backoff      | an object",
            "{\"type\": \"noop\", \"run_at\": 5}              | run_at       | a string",
            "{\"type\": \"noop\", \"unique_key\": {}}         | unique_key   | a string",
    })
    void wrongTypesNameTheFieldAndTheExpectedType(String body, String field, String expected) {
        Response r = assertError(submit(body), 400, "invalid_request");
        assertThat(r.errorMessage()).contains("'" + field + "'").contains("must be " + expected);
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo(field);
        assertThat(r.json().path("error").path("details").path("expected").asText()).startsWith(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"payload\": {}}                                                  | type",
            "{\"type\": \"noop\", \"delay\": -5}                                | delay",
            "{\"type\": \"noop\", \"delay\": \"-5s\"}                           | delay",
            "{\"type\": \"noop\", \"delay\": \"soon\"}                          | delay",
            "{\"type\": \"noop\", \"delay\": \"99999d\"}                        | delay",
            "{\"type\": \"noop\", \"priority\": 99999999999}                    | priority",
            "{\"type\": \"noop\", \"run_at\": \"tomorrow\"}                     | run_at",
            "{\"type\": \"noop\", \"run_at\": \"2030-01-01T00:00:00\"}          | run_at",
            "{\"type\": \"noop\", \"run_at\": \"+20000-01-01T00:00:00Z\"}       | run_at",
            "{\"type\": \"noop\", \"run_at\": \"2030-01-01T00:00:00Z\", \"delay\": \"1s\"} | delay",
            "{\"type\": \"noop\", \"cache_ttl\": \"1h\"}                        | cache_ttl",
            "{\"type\": \"noop\", \"cache_key\": \"k\", \"cache_ttl\": \"1h\", \"result_ttl\": \"1h\"} | cache_ttl",
            "{\"type\": \"noop\", \"payload\": {\"s\": \"a\\u0000b\"}}          | payload.s",
    })
    void invalidValuesNameTheField(String body, String field) {
        Response r = assertError(submit(body), 400, "invalid_request");
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo(field);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\": \"no-such-type\"}                          | unknown job type 'no-such-type'",
            "{\"type\": \"bad type!\"}                             | type 'bad type!' is invalid",
            "{\"type\": \"noop\", \"queue\": \"\"}                 | queue '' is invalid",
            "{\"type\": \"noop\", \"max_attempts\": 0}             | max_attempts must be >= 1",
            "{\"type\": \"noop\", \"timeout\": \"0s\"}             | timeout must be positive",
            "{\"type\": \"sleep\", \"payload\": {\"ms\": \"x\"}}   | sleep: payload field 'ms'",
            "{\"type\": \"fail\", \"payload\": {\"times\": -1}}    | fail: payload field 'times'",
            "{\"type\": \"noop\", \"unique_key\": \"\"}            | unique_key must be 1-255 characters",
    })
    void theEnginesValidationIsA400Too(String body, String message) {
        assertThat(assertError(submit(body), 400, "invalid_request").errorMessage()).contains(message);
    }

    @Test
    void unknownTypeNamesTheRegisteredOnes() {
        Response r = assertError(submit("{\"type\": \"nope\"}"), 400, "invalid_request");
        assertThat(r.errorMessage()).contains("unknown job type 'nope'").contains("registered: fail, noop, ").contains(", sleep");
        assertThat(r.json().path("error").path("details").path("field").asText()).isEqualTo("type");
    }

    @Test
    void batchShapeErrors() {
        assertThat(assertError(http.post("/api/jobs/batch", "{}"), 400, "invalid_request").errorMessage()).contains("'jobs' is required");
        assertThat(assertError(http.post("/api/jobs/batch", "{\"jobs\": []}"), 400, "invalid_request").errorMessage()).contains("at least one");
        assertThat(assertError(http.post("/api/jobs/batch", "{\"jobs\": {}}"), 400, "invalid_request").errorMessage()).contains("an array of jobs");
        Response notObject = assertError(http.post("/api/jobs/batch", "{\"jobs\": [1]}"), 400, "invalid_request");
        assertThat(notObject.errorMessage()).contains("jobs[0] must be a JSON object");
        Response badField = assertError(http.post("/api/jobs/batch", "{\"jobs\": [{\"type\": \"noop\"}, {\"type\": \"noop\", \"delay\": -1}]}"), 400, "invalid_request");
        assertThat(badField.json().path("error").path("details").path("field").asText()).isEqualTo("jobs[1].delay");
    }

    @Test
    void aBatchOverTheEngineLimitIs400() {
        StringBuilder b = new StringBuilder("{\"jobs\": [");
        for (int i = 0; i <= io.ordo.core.Jobs.MAX_BATCH; i++) b.append(i == 0 ? "" : ",").append("{\"type\":\"noop\"}");
        // the body is ~150 KB: beyond this server's 64 KiB cap, so use a server with the default 1 MiB
        try (OrdoServer roomy = TestServer.start(); Http h = new Http(roomy.url())) {
            Response r = assertError(h.post("/api/jobs/batch", b.append("]}").toString()), 400, "invalid_request");
            assertThat(r.errorMessage()).contains("at most " + io.ordo.core.Jobs.MAX_BATCH);
        }
    }

    @Test
    void anOversizedBodyIs413() {
        String body = "{\"type\": \"noop\", \"payload\": {\"s\": \"" + "x".repeat(MAX_BODY) + "\"}}";
        Response r = assertError(submit(body), 413, "too_large");
        assertThat(r.json().path("error").path("details").path("max_bytes").asInt()).isEqualTo(MAX_BODY);
    }

    @Test
    void anOversizedChunkedBodyIs413() {
        // no Content-Length: the cap must hold while reading, not only on the declared size
        String big = "{\"type\": \"noop\", \"payload\": {\"s\": \"" + "x".repeat(MAX_BODY) + "\"}}";
        String request = "POST /api/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(big.length()) + "\r\n" + big + "\r\n0\r\n\r\n";
        Response r = Http.raw(server.port(), request);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorCode()).isEqualTo("too_large");
    }

    @Test
    void aPayloadNestedTooDeeplyIs400NotA500() {
        String deep = "[".repeat(ApiJson.MAX_NESTING + 5) + "]".repeat(ApiJson.MAX_NESTING + 5);
        assertError(submit("{\"type\": \"noop\", \"payload\": " + deep + "}"), 400, "invalid_request");
        // just under the cap is accepted and can be read back
        String ok = "[".repeat(ApiJson.MAX_NESTING - 2) + "]".repeat(ApiJson.MAX_NESTING - 2);
        Response accepted = submit("{\"type\": \"noop\", \"payload\": " + ok + "}");
        assertThat(accepted.status()).isEqualTo(202);
        assertThat(http.get(accepted.json().path("status_url").asText()).status()).isEqualTo(200);
    }

    @Test
    void invalidUtf8Is400() {
        byte[] body = "{\"type\": \"noop\", \"payload\": \"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertError(http.send("POST", "/api/jobs", body), 400, "invalid_request");
    }

    @Test
    void requestsJettyRejectsGetTheErrorShapeToo() {
        String[][] cases = {
                {"GET /%zz HTTP/1.1\r\nHost: localhost\r\n\r\n", "400"},
                {"GARBAGE\r\n\r\n", "400"},
                {"GET /health HTTP/1.1\r\n\r\n", "400"},
                {"POST /api/jobs HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n", "400"},
                {"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n", "431"},
        };
        for (String[] c : cases) {
            Response r = Http.raw(server.port(), c[0]);
            assertThat(r.status()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertErrorShape(r);
        }
    }
}
