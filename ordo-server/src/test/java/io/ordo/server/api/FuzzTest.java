package io.ordo.server.api;

import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: no request, however malformed, gets a 5xx; every error is in the error shape. Inputs
 * are random but seeded, and each failure message names the seed and the request.
 */
class FuzzTest {
    static final long SEED = Long.getLong("ordo.fuzz.seed", 20260522L);
    static final int CASES = Integer.getInteger("ordo.fuzz.cases", 400);

    static final String[] FRAGMENTS = {"{", "}", "[", "]", ",", ":", "\"", "\"type\"", "\"noop\"", "\"sleep\"", "\"fail\"",
            "\"payload\"", "\"delay\"", "\"-1s\"", "-1", "1e999", "99999999999999999999", "null", "true", "\"run_at\"",
            "\"2030-13-45T99:00:00Z\"", "\"queue\"", "\"\"", "\"priority\"", "\"tags\"", "\"backoff\"", "\"base\"",
            "\"max_attempts\"", "\"timeout\"", "\"cache_ttl\"", "\"cache_key\"", "\"jobs\"", "\\u0000", "\\ud800",
            " ", "\n", "0", "1.5", "\"unique_key\"", "\"result_ttl\"", "NaN", "Infinity", "/*", "'", "\u00e9"};
    static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"};
    static final String[] PATHS = {"/api/jobs", "/api/jobs/batch", "/api/jobs/stats", "/health", "/api/jobs/%s", "/api/%s",
            "/%s", "/api/jobs/%s/%s", "/api/jobs/batch/%s", "/api/jobs/definitions", "/api/jobs/definitions/%s",
            "/api/jobs/definitions/%s/%s", "/api/jobs/%s/children", "/api/jobs/%s/tree", "/api/jobs/%s/logs", "/api/jobs/%s/results",
            "/api/jobs/%s/cancel", "/api/jobs/%s/restart", "/api/jobs/bulk", "/api/queue/stats", "/api/queues/%s/%s",
            "/api/cluster/nodes", "/api/cluster/%s", "/openapi.json", "/api/schedules", "/api/schedules/%s", "/api/schedules/%s/%s"};

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

    @Test
    void malformedBodiesNeverGet5xx() {
        Random rnd = new Random(SEED);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            String path = rnd.nextInt(4) == 0 ? "/api/jobs/batch" : "/api/jobs";
            String body = rnd.nextInt(3) == 0 ? mutate(rnd, validBody(rnd, path)) : randomJson(rnd);
            check(failures, "POST " + path + " " + body, http.post(path, body));
        }
        assertThat(failures).as("seed " + SEED).isEmpty();
    }

    @Test
    void wellFormedButWrongBodiesNeverGet5xx() {
        Random rnd = new Random(SEED + 1);
        String[] values = {"null", "-1", "0", "1", "2147483648", "-9223372036854775809", "1.5", "\"\"", "\"x\"", "\"-5s\"",
                "\"1h\"", "\"PT-1S\"", "\"P99999999D\"", "\"9999999999999999d\"", "[]", "[1]", "[\"a\"]", "{}", "{\"a\":1}",
                "true", "\"2030-01-01T00:00:00Z\"", "\"1969-12-31T23:59:59Z\"", "\"noop\"", "\"sleep\"", "\"fail\"",
                "{\"ms\": -1}", "{\"times\": 1e3}", "{\"base\": \"0s\"}", "{\"cap\": -1}", "\"" + "k".repeat(300) + "\""};
        String[] fields = SubmitRequests.JOB_FIELDS.toArray(new String[0]);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            StringBuilder b = new StringBuilder("{\"type\": \"").append(rnd.nextBoolean() ? "noop" : "sleep").append('"');
            int n = 1 + rnd.nextInt(4);
            java.util.Set<String> used = new java.util.HashSet<>(List.of("type"));
            for (int k = 0; k < n; k++) {
                String f = fields[rnd.nextInt(fields.length)];
                if (!used.add(f)) continue;
                b.append(", \"").append(f).append("\": ").append(values[rnd.nextInt(values.length)]);
            }
            String body = b.append('}').toString();
            check(failures, "POST /api/jobs " + body, http.post("/api/jobs", body));
        }
        assertThat(failures).as("seed " + SEED).isEmpty();
    }

    @Test
    void wrongSchedulesNeverGet5xxAndAreNeverStored() {
        Random rnd = new Random(SEED + 5);
        String[] values = {"null", "-1", "0", "2147483648", "1.5", "\"\"", "\" \"", "\"x\"", "[]", "{}", "{\"a\":1}", "true",
                "\"noop\"", "\"no-such\"", "\"* * * * *\"", "\"*/5 * * * * *\"", "\"61 * * * *\"", "\"* * * * * * *\"", "\"@daily\"",
                "\"Europe/Berlin\"", "\"Mars/Olympus\"", "\"+25:00\"", "\"UTC\"", "\"run_once\"", "\"skip\"", "\"k\u0000\"",
                "\"" + "k".repeat(300) + "\""};
        String[] fields = {"id", "type", "cron", "queue", "payload", "priority", "timezone", "missed", "colour"};
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES / 2; i++) {
            StringBuilder b = new StringBuilder("{");
            java.util.Set<String> used = new java.util.HashSet<>();
            int n = 1 + rnd.nextInt(6);
            for (int k = 0; k < n; k++) {
                String f = fields[rnd.nextInt(fields.length)];
                if (!used.add(f)) continue;
                if (b.length() > 1) b.append(", ");
                b.append('"').append(f).append("\": ").append(f.equals("id") ? "\"fz-" + i + "\"" : values[rnd.nextInt(values.length)]);
            }
            String body = b.append('}').toString();
            Response r = http.post("/api/schedules", body);
            check(failures, "POST /api/schedules " + body, r);
            if (r.status() != 201 && used.contains("id") && http.get("/api/schedules/fz-" + i).status() != 404) {
                failures.add("refused but stored: " + body);
            }
        }
        assertThat(failures).as("seed " + SEED).isEmpty();
    }

    @Test
    void mangledDefinitionsNeverGet5xx() {
        Random rnd = new Random(SEED + 4);
        String yaml = "id: fz\nschedule: \"0 3 * * *\"\ntimeout: 5m\nconfig: {ms: 5}\nsteps:\n  - {name: a, action: sleep, config: {ms: \"{ms}\"}}\n"
                + "  - {name: b, action: noop, depends: [a], retry: {max_attempts: 2, backoff: 1s}, cache: {key: k, ttl: 1h}}\n";
        String toml = "id = \"fz\"\n[[steps]]\nname = \"a\"\naction = \"noop\"\nerror_tolerance = { max_child_failures = 1 }\n";
        String[] paths = {"/api/jobs/definitions/validate", "/api/jobs/definitions", "/api/jobs/definitions/fz"};
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES / 2; i++) {
            boolean isYaml = rnd.nextBoolean();
            String source = mutate(rnd, isYaml ? yaml : toml);
            com.fasterxml.jackson.databind.node.ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            body.put("file", isYaml ? "f.yaml" : "f.toml");
            body.put("source", source);
            String path = paths[rnd.nextInt(paths.length)];
            String method = path.endsWith("/fz") ? "PUT" : "POST";
            check(failures, method + " " + path + " " + body, http.send(method, path, body.toString()));
            if (rnd.nextInt(4) == 0) check(failures, "POST " + path + " " + body, http.post(path, "{\"definition\": " + randomJson(rnd) + "}"));
        }
        assertThat(failures).as("seed " + SEED).isEmpty();
    }

    @Test
    void randomPathsAndMethodsNeverGet5xx() {
        Random rnd = new Random(SEED + 2);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            String method = METHODS[rnd.nextInt(METHODS.length)];
            String path = String.format(PATHS[rnd.nextInt(PATHS.length)], segment(rnd), segment(rnd));
            if (rnd.nextInt(5) == 0) path += "?" + segment(rnd) + "=" + segment(rnd);
            String body = method.equals("GET") || method.equals("HEAD") || rnd.nextBoolean() ? null : randomJson(rnd);
            Response r;
            try {
                r = http.send(method, path, body);
            } catch (java.io.UncheckedIOException e) {
                failures.add("no answer to " + method + " " + path + (body == null ? "" : " " + body) + ": " + e.getMessage());
                continue;
            }
            if (method.equals("HEAD")) {
                if (r.status() >= 500) failures.add(r.status() + " for HEAD " + path);
                continue;
            }
            check(failures, method + " " + path + (body == null ? "" : " " + body), r);
        }
        assertThat(failures).as("seed " + SEED).isEmpty();
    }

    @Test
    void rawMalformedRequestsNeverGet5xx() {
        Random rnd = new Random(SEED + 3);
        String[] targets = {"/%zz", "/api/jobs/%", "/api/jobs/%00", "/api/jobs/..%2F..%2Fhealth", "/api//jobs", "//health",
                "/api/jobs/%C0%AF", "/api/jobs/\u00ff", "/api/jobs/" + "a".repeat(5000), "/api/jobs/%2e%2e/stats", "*"};
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String target = targets[rnd.nextInt(targets.length)];
            String req = (rnd.nextBoolean() ? "GET " : "POST ") + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Content-Length: 2\r\n\r\n{}";
            Response r = Http.raw(server.port(), req);
            if (r.status() >= 500) failures.add(r.status() + " for " + target + ": " + r.body());
        }
        assertThat(failures).as("seed " + SEED).isEmpty();
    }

    /**
     * Every documented JSON route, with path parameters that are real job ids, malformed ids or
     * junk, query parameters the route knows or not with random values, and random or mutated bodies.
     */
    @Test
    void everyRouteWithRandomParametersAndBodiesNeverGets5xx() {
        Random rnd = new Random(SEED + 5);
        List<String> ids = new ArrayList<>();
        for (String body : List.of("{\"type\": \"noop\"}", "{\"type\": \"noop\", \"delay\": \"1h\"}", "{\"type\": \"fail\", \"max_attempts\": 1}",
                "{\"type\": \"sleep\", \"payload\": {\"ms\": 60000}}")) {
            ids.add(http.post("/api/jobs", body).json().path("job_id").asText());
        }
        List<OpenApiRoutes.Operation> ops = OpenApiRoutes.OPERATIONS.stream()
                // streams (SSE, WebSocket) and pages of other parts are fuzzed where they are served
                .filter(o -> "application/json".equals(o.mediaType()) && !o.path().equals("/openapi.json")).toList();
        String[] queryNames = {"limit", "cursor", "after", "status", "queue", "type", "parent_id", "root_id", "x", "", "limit[]", "%00"};
        String[] queryValues = {"", "0", "-1", "1", "1000", "1001", "99999999999999999999", "abc", "failed", "failed,nope", "pending,",
                "%25", "%00", "MDE5MDAwMDAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw", "bm90LWEtdXVpZA", "%FF%FE", "a%20b", "1e3", "null"};
        String[] bodies = {null, "", "{}", "[]", "null", "{\"action\": \"cancel\", \"ids\": [\"%s\"]}",
                "{\"action\": \"delete\", \"filter\": {\"status\": [\"failed\"], \"queue\": \"fz\"}, \"max\": 5}",
                "{\"action\": \"restart\", \"filter\": {\"status\": 5}}", "{\"action\": null, \"ids\": null}",
                "{\"action\": \"cancel\", \"ids\": [1, {}, []]}", "{\"force\": true}"};
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES * 5; i++) {
            OpenApiRoutes.Operation op = ops.get(rnd.nextInt(ops.size()));
            String path = op.path().replace("{id}", pathValue(rnd, ids)).replace("{queue}", rnd.nextBoolean() ? "fz" : segment(rnd))
                    .replace("{type}", rnd.nextBoolean() ? "noop" : segment(rnd));
            StringBuilder query = new StringBuilder();
            int n = rnd.nextInt(4);
            for (int k = 0; k < n; k++) {
                String name = rnd.nextInt(3) > 0 && !op.params().isEmpty() ? op.params().get(rnd.nextInt(op.params().size())).split(":")[0]
                        : queryNames[rnd.nextInt(queryNames.length)];
                query.append(k == 0 ? '?' : '&').append(name).append('=').append(queryValues[rnd.nextInt(queryValues.length)]);
            }
            String body = bodies[rnd.nextInt(bodies.length)];
            if (body != null) body = String.format(body, ids.get(rnd.nextInt(ids.size())));
            if (body != null && rnd.nextInt(3) == 0) body = rnd.nextBoolean() ? mutate(rnd, body.isEmpty() ? "{}" : body) : randomJson(rnd);
            if (op.method().equals("GET")) body = null;
            String request = op.method() + " " + path + query + (body == null ? "" : " " + body);
            try {
                check(failures, request, http.send(op.method(), path + query, body));
            } catch (RuntimeException e) {
                // java.net.URI refused it: send it raw
                Response r = Http.raw(server.port(), op.method() + " " + path + query + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                        + "Content-Length: 0\r\n\r\n");
                if (r.status() >= 500) failures.add(r.status() + " for raw " + request + ": " + r.body());
            }
        }
        assertThat(failures).as("seed " + SEED + " (rerun with -Dordo.fuzz.seed=" + SEED + ")").isEmpty();
    }

    /** Found by the fuzz: Jetty answered bad UTF-8 in the path of a PUT, PATCH or DELETE with an empty body. */
    @Test
    void badUtf8InThePathIsTheErrorShapeForEveryMethod() {
        List<String> failures = new ArrayList<>();
        for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
            String body = method.equals("GET") ? null : "{}";
            check(failures, method + " /api/jobs/%FF", http.send(method, "/api/jobs/%FF", body));
        }
        assertThat(failures).isEmpty();
    }

    private static String pathValue(Random rnd, List<String> ids) {
        return switch (rnd.nextInt(4)) {
            case 0, 1 -> ids.get(rnd.nextInt(ids.size()));
            case 2 -> "01900000-0000-7000-8000-00000000000" + rnd.nextInt(10);
            default -> segment(rnd);
        };
    }

    private static void check(List<String> failures, String request, Response r) {
        if (r.status() >= 500) {
            failures.add(r.status() + " for " + request + " -> " + r.body());
        } else if (r.status() >= 400) {
            if (r.json() == null || !r.json().path("error").path("code").isTextual()
                    || !r.json().path("error").path("message").isTextual() || !r.json().path("error").path("details").isObject()) {
                failures.add("not the error shape for " + request + " -> " + r);
            }
        }
    }

    private static String validBody(Random rnd, String path) {
        String job = "{\"type\": \"sleep\", \"payload\": {\"ms\": 1}, \"delay\": \"1h\", \"priority\": 2, \"tags\": [\"t\"]}";
        return path.endsWith("batch") ? "{\"jobs\": [" + job + ", " + job + "]}" : job;
    }

    /** Deletes, duplicates or replaces a few characters of a valid body. */
    private static String mutate(Random rnd, String s) {
        StringBuilder b = new StringBuilder(s);
        int edits = 1 + rnd.nextInt(3);
        for (int i = 0; i < edits && !b.isEmpty(); i++) {
            int at = rnd.nextInt(b.length());
            switch (rnd.nextInt(3)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, b.charAt(at));
                default -> b.replace(at, at + 1, FRAGMENTS[rnd.nextInt(FRAGMENTS.length)]);
            }
        }
        return b.toString();
    }

    private static String randomJson(Random rnd) {
        StringBuilder b = new StringBuilder();
        int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) b.append(FRAGMENTS[rnd.nextInt(FRAGMENTS.length)]);
        if (rnd.nextInt(10) == 0) {
            byte[] junk = new byte[rnd.nextInt(64)];
            rnd.nextBytes(junk);
            b.append(new String(junk, StandardCharsets.ISO_8859_1));
        }
        return b.toString();
    }

    private static String segment(Random rnd) {
        String[] parts = {"stats", "batch", "x", "01a2024d-9769-7000-ac2e-d706d36c25d2", "00000000-0000-0000-0000-000000000000",
                "%20", "%2F", "..", ".", "%25", "%C3%A9", "null", "-1", "%7B%7D", "a%3Bb", "~", "%0A", "definitions", "validate",
                "execute", "children", "demo", "tree", "logs", "results", "cancel", "restart", "bulk", "pause", "resume", "default",
                "nodes", "queue", "%FF", "a+b"};
        return parts[rnd.nextInt(parts.length)];
    }
}
