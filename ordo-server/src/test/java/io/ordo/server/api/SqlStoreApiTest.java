package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.ApiTestServer;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The new routes on the real stores (SQLite file, PostgreSQL schema of its own in {@code ordo_test}):
 * filters and keyset pages, tree, logs after a cursor, results, actions and their 409s, bulk by
 * filter, queue pause and stats, nodes. The in-memory store is covered by the other route tests.
 */
class SqlStoreApiTest {
    static final String PG = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
    static final String PG_USER = System.getenv().getOrDefault("ORDO_TEST_PG_USER", "postgres");

    @TempDir
    Path dir;
    OrdoServer server;
    Http http;
    String schema;

    @AfterEach
    void stop() throws Exception {
        if (http != null) http.close();
        if (server != null) server.close();
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(PG, PG_USER, System.getenv("ORDO_TEST_PG_PASSWORD")); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
            }
        }
    }

    void start(String store) {
        String url;
        if (store.equals("sqlite")) {
            url = "jdbc:sqlite:" + dir.resolve("api.db");
        } else {
            schema = "ordo_api_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            url = PG + (PG.contains("?") ? "&" : "?") + "user=" + PG_USER + "&currentSchema=" + schema;
        }
        server = ApiTestServer.start(url);
        http = new Http(server.url());
    }

    String submit(String body) {
        Response r = http.post("/api/jobs", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().path("job_id").asText();
    }

    String status(String id) {
        return http.get("/api/jobs/" + id).json().path("status").asText();
    }

    void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(15)).until(() -> status(id).equals(status));
    }

    static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("jobs").forEach(j -> out.add(j.path("id").asText()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void listsTreesLogsAndResults(String store) {
        start(store);
        List<String> scheduled = new ArrayList<>();
        for (int i = 0; i < 5; i++) scheduled.add(submit("{\"type\": \"noop\", \"queue\": \"later\", \"delay\": \"1h\"}"));
        String parent = submit("{\"type\": \"fan\", \"payload\": {\"children\": 2}}");
        String talk = submit("{\"type\": \"talk\", \"payload\": {\"lines\": 4}}");
        awaitStatus(parent, "completed");
        awaitStatus(talk, "completed");

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = http.get("/api/jobs?queue=later&status=scheduled&limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            seen.addAll(ids(page));
            cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asText();
        } while (cursor != null && seen.size() < 10);
        assertThat(seen).containsExactlyElementsOf(scheduled.reversed());
        assertThat(ids(http.get("/api/jobs?type=talk&parent_id=" + parent).json())).hasSize(2);
        assertThat(ids(http.get("/api/jobs/" + parent + "/tree").json())).hasSize(3).contains(parent);
        assertThat(http.get("/api/jobs/" + parent + "/results").json().path("results")).hasSize(3);

        JsonNode logs = http.get("/api/jobs/" + talk + "/logs").json();
        assertThat(logs.path("logs")).hasSize(4);
        long second = logs.path("logs").get(1).path("seq").asLong();
        JsonNode rest = http.get("/api/jobs/" + talk + "/logs?after=" + second).json();
        assertThat(rest.path("logs")).extracting(l -> l.path("message").asText()).containsExactly("line 3", "line 4");
        assertThat(http.get("/api/jobs?cursor=bad!").status()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void actionsBulkAndQueues(String store) {
        start(store);
        String done = submit("{\"type\": \"noop\"}");
        awaitStatus(done, "completed");
        assertThat(http.post("/api/jobs/" + done + "/restart", null).status()).isEqualTo(409);
        assertThat(http.post("/api/jobs/" + done + "/cancel", null).status()).isEqualTo(409);

        String running = submit("{\"type\": \"sleep\", \"payload\": {\"ms\": 30000}}");
        awaitStatus(running, "running");
        assertThat(http.send("DELETE", "/api/jobs/" + running, (String) null).status()).isEqualTo(409);
        assertThat(http.post("/api/jobs/" + running + "/cancel", null).json().path("cancel_requested")).hasSize(1);
        awaitStatus(running, "cancelled");
        assertThat(http.post("/api/jobs/" + running + "/restart", null).status()).isEqualTo(200);
        http.post("/api/jobs/" + running + "/cancel", null);
        awaitStatus(running, "cancelled");
        assertThat(http.send("DELETE", "/api/jobs/" + running, (String) null).status()).isEqualTo(200);
        assertThat(http.get("/api/jobs/" + running).status()).isEqualTo(404);
        assertThat(http.send("DELETE", "/api/jobs/" + running, (String) null).status()).isEqualTo(404);
        assertThat(http.post("/api/jobs/" + running + "/cancel", null).status()).isEqualTo(404);
        assertThat(http.get("/api/jobs/" + running + "/logs").status()).isEqualTo(404);

        for (int i = 0; i < 3; i++) submit("{\"type\": \"noop\", \"queue\": \"bulkq\", \"delay\": \"1h\"}");
        JsonNode bulk = http.post("/api/jobs/bulk", "{\"action\": \"cancel\", \"filter\": {\"queue\": \"bulkq\", \"status\": \"scheduled\"}}").json();
        assertThat(bulk.path("succeeded").asInt()).as(bulk.toString()).isEqualTo(3);
        assertThat(ids(http.get("/api/jobs?queue=bulkq&status=cancelled").json())).hasSize(3);

        assertThat(http.post("/api/queues/default/pause", null).status()).isEqualTo(200);
        String held = submit("{\"type\": \"noop\"}");
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> status(held).equals("pending"));
        JsonNode q = null;
        for (JsonNode x : http.get("/api/queue/stats").json().path("queues")) if (x.path("queue").asText().equals("default")) q = x;
        assertThat(q.path("paused").asBoolean()).isTrue();
        assertThat(q.path("pending").asLong()).isEqualTo(1);
        assertThat(http.post("/api/queues/default/resume", null).status()).isEqualTo(200);
        awaitStatus(held, "completed");

        String node = server.ordo().config().nodeId();
        await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/cluster/nodes").json().toString().contains(node));
        JsonNode n = http.get("/api/cluster/nodes").json().path("nodes").get(0);
        assertThat(n.path("state").asText()).isEqualTo("alive");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void readyAndNodesTellWhetherAutovacuumCoversTheTables(String store) throws Exception {
        start(store);
        String expected = "not_applicable";
        if (store.equals("postgresql")) {
            try (Connection c = DriverManager.getConnection(PG, PG_USER, System.getenv("ORDO_TEST_PG_PASSWORD"));
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW autovacuum")) {
                rs.next();
                expected = rs.getString(1); // off on the test server; then the node vacuums the tables itself
            }
        }
        JsonNode ready = http.get("/ready").json().path("table_health");
        assertThat(ready.path("autovacuum").asText()).isEqualTo(expected);
        assertThat(ready.path("vacuum_duty").asBoolean()).isEqualTo(store.equals("postgresql"));
        if (expected.equals("off")) assertThat(ready.path("detail").asText()).contains("autovacuum = off");
        assertThat(http.get("/api/cluster/nodes").json().path("table_health")).isEqualTo(ready);
    }
}
