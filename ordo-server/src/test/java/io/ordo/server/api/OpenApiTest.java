package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /openapi.json} documents exactly the routes the server serves. */
class OpenApiTest {
    static final Set<String> HTTP_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

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
    void documentIsOpenApi3WithTheErrorShape() {
        Response r = http.get("/openapi.json");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().path("openapi").asText()).startsWith("3.");
        assertThat(r.json().path("info").path("title").asText()).isEqualTo("Ordo");
        JsonNode error = r.json().path("components").path("schemas").path("Error");
        assertThat(error.path("properties").path("error").path("required")).extracting(JsonNode::asText)
                .containsExactly("code", "message", "details");
        JsonNode submit = r.json().path("paths").path("/api/jobs").path("post");
        assertThat(submit.path("responses").has("202")).isTrue();
        assertThat(submit.path("requestBody").path("content").path("application/json").path("schema").path("$ref").asText())
                .isEqualTo("#/components/schemas/JobRequest");
    }

    /** The schemas follow the code: a field added to the submit body or the job object must be documented. */
    @Test
    void jobSchemasHaveEveryFieldTheApiReadsAndWrites() {
        JsonNode schemas = http.get("/openapi.json").json().path("components").path("schemas");
        Set<String> request = new TreeSet<>();
        schemas.path("JobRequest").path("properties").fieldNames().forEachRemaining(request::add);
        assertThat(request).containsExactlyInAnyOrderElementsOf(SubmitRequests.JOB_FIELDS);

        String id = http.post("/api/jobs", "{\"type\": \"noop\", \"delay\": \"1h\"}").json().path("job_id").asText();
        Set<String> written = new TreeSet<>();
        http.get("/api/jobs/" + id).json().fieldNames().forEachRemaining(written::add);
        Set<String> job = new TreeSet<>();
        schemas.path("Job").path("properties").fieldNames().forEachRemaining(job::add);
        assertThat(job).containsAll(written);
        Set<String> bulk = new TreeSet<>();
        schemas.path("BulkRequest").path("properties").fieldNames().forEachRemaining(bulk::add);
        assertThat(bulk).containsExactlyInAnyOrderElementsOf(JobActionRoutes.BULK_FIELDS);
    }

    @Test
    void everyReferencedSchemaExists() {
        JsonNode doc = http.get("/openapi.json").json();
        Set<String> refs = new TreeSet<>();
        collectRefs(doc, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            String name = ref.substring("#/components/schemas/".length());
            assertThat(doc.path("components").path("schemas").has(name)).as(ref).isTrue();
        }
    }

    @Test
    void documentedRoutesAreExactlyTheServedRoutes() throws Exception {
        Set<String> documented = documented(http.get("/openapi.json").json());
        Set<String> served = served(server);
        assertThat(served).contains("POST /api/jobs", "GET /api/jobs/{id}/logs", "POST /api/queues/{queue}/pause", "GET /openapi.json");

        assertThat(served).as("served but not documented").isSubsetOf(documented);
        assertThat(documented).as("documented but not served").isSubsetOf(served);
    }

    static Set<String> documented(JsonNode doc) {
        Set<String> out = new TreeSet<>();
        doc.path("paths").properties().forEach(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> out.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
        return out;
    }

    /** Method and path of every HTTP and WebSocket route registered with Javalin (not the before/after filters). */
    static Set<String> served(OrdoServer server) throws ReflectiveOperationException {
        Field f = OrdoServer.class.getDeclaredField("app");
        f.setAccessible(true);
        Javalin app = (Javalin) f.get(server);
        Set<String> out = new TreeSet<>();
        app.unsafe.internalRouter.allHttpHandlers().stream().filter(e -> HTTP_METHODS.contains(e.endpoint.method.name()))
                .forEach(e -> out.add(e.endpoint.method.name() + " " + e.endpoint.path));
        // a WebSocket route is opened with a GET (upgrade)
        app.unsafe.internalRouter.allWsHandlers().stream().filter(e -> e.getType().name().equals("WEBSOCKET"))
                .forEach(e -> out.add("GET " + e.getPath()));
        return out;
    }

    private static void collectRefs(JsonNode n, Set<String> refs) {
        if (n.isObject()) {
            n.properties().forEach(e -> {
                if (e.getKey().equals("$ref")) refs.add(e.getValue().asText());
                else collectRefs(e.getValue(), refs);
            });
        } else if (n.isArray()) {
            n.forEach(x -> collectRefs(x, refs));
        }
    }
}
