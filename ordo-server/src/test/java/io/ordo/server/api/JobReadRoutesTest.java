package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.ApiTestServer;
import io.ordo.server.Http;
import io.ordo.server.Http.Response;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code GET /api/jobs} (filters, keyset pages), {@code /tree}, {@code /logs?after=}, {@code /results}. */
class JobReadRoutesTest {
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

    static String submit(String body) {
        Response r = http.post("/api/jobs", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().path("job_id").asText();
    }

    static JsonNode awaitStatus(String id, String status) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            last[0] = http.get("/api/jobs/" + id).json();
            return last[0].path("status").asText().equals(status);
        });
        return last[0];
    }

    static List<String> ids(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("jobs").forEach(j -> out.add(j.path("id").asText()));
        return out;
    }

    @Test
    void listFiltersByQueueTypeAndStatusNewestFirst() {
        String queue = "list-" + UUID.randomUUID().toString().substring(0, 8);
        String a = submit("{\"type\": \"noop\", \"queue\": \"" + queue + "\", \"delay\": \"1h\"}");
        String b = submit("{\"type\": \"sleep\", \"payload\": {\"ms\": 1}, \"queue\": \"" + queue + "\", \"delay\": \"1h\"}");
        String c = submit("{\"type\": \"noop\", \"queue\": \"" + queue + "\"}");
        submit("{\"type\": \"noop\", \"queue\": \"other-" + queue + "\", \"delay\": \"1h\"}");

        Response all = http.get("/api/jobs?queue=" + queue);
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        assertThat(ids(all.json())).containsExactly(c, b, a);
        assertThat(all.json().path("next_cursor").isNull()).isTrue();

        assertThat(ids(http.get("/api/jobs?queue=" + queue + "&type=noop").json())).containsExactly(c, a);
        assertThat(ids(http.get("/api/jobs?queue=" + queue + "&status=scheduled").json())).containsExactly(b, a);
        assertThat(ids(http.get("/api/jobs?queue=" + queue + "&status=scheduled&type=sleep").json())).containsExactly(b);
        // several statuses, comma-separated or repeated
        assertThat(ids(http.get("/api/jobs?queue=" + queue + "&status=scheduled,completed,pending,running").json())).containsExactly(c, b, a);
        assertThat(ids(http.get("/api/jobs?queue=" + queue + "&status=failed&status=cancelled").json())).isEmpty();
    }

    @Test
    void keysetPagesWalkEveryJobOnceWithoutGapsOrRepeats() {
        String queue = "pages-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 7; i++) submitted.add(submit("{\"type\": \"noop\", \"queue\": \"" + queue + "\", \"delay\": \"1h\"}"));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Response r = http.get("/api/jobs?queue=" + queue + "&limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            assertThat(r.json().path("jobs").size()).isLessThanOrEqualTo(3);
            seen.addAll(ids(r.json()));
            cursor = r.json().path("next_cursor").isNull() ? null : r.json().path("next_cursor").asText();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(submitted.reversed());
    }

    @Test
    void listFiltersByParentAndRoot() {
        String parent = submit("{\"type\": \"fan\", \"payload\": {\"children\": 3}}");
        awaitStatus(parent, "completed");

        Response children = http.get("/api/jobs?parent_id=" + parent);
        assertThat(children.json().path("jobs")).hasSize(3);
        children.json().path("jobs").forEach(j -> assertThat(j.path("parent_id").asText()).isEqualTo(parent));
        Response tree = http.get("/api/jobs?root_id=" + parent);
        assertThat(ids(tree.json())).hasSize(4).contains(parent);
    }

    @Test
    void badFiltersAndCursorsAre400NamingTheParameter() {
        assertBad("/api/jobs?status=finished", "status");
        assertBad("/api/jobs?limit=0", "limit");
        assertBad("/api/jobs?limit=1001", "limit");
        assertBad("/api/jobs?limit=abc", "limit");
        assertBad("/api/jobs?cursor=not-a-cursor", "cursor");
        assertBad("/api/jobs?parent_id=42", "parent_id");
        assertBad("/api/jobs?root_id=xyz", "root_id");
        assertBad("/api/jobs?queue=bad%20queue", "queue");
        assertBad("/api/jobs?stauts=failed", "stauts");
        assertBad("/api/jobs?queue=a&queue=b", "queue");
        String id = submit("{\"type\": \"noop\", \"delay\": \"1h\"}");
        assertBad("/api/jobs/" + id + "/tree?cursor=%25%25", "cursor");
        assertBad("/api/jobs/" + id + "/children?limit=-1", "limit");
        assertBad("/api/jobs/" + id + "/logs?after=-1", "after");
        assertBad("/api/jobs/" + id + "/logs?after=x", "after");
        assertBad("/api/jobs/" + id + "/results?limit=x", "limit");
        assertBad("/api/jobs/" + id + "/results?cursor=abc", "cursor");
        assertBad("/api/jobs/" + id + "/results?cursor=-5", "cursor");
    }

    private static void assertBad(String path, String field) {
        Response r = http.get(path);
        assertThat(r.status()).as(path + " -> " + r).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_request");
        assertThat(r.json().path("error").path("details").path("field").asText()).as(r.toString()).isEqualTo(field);
    }

    @Test
    void unknownJobIs404OnEveryReadRoute() {
        String unknown = "01900000-0000-7000-8000-000000000000";
        for (String suffix : List.of("", "/children", "/tree", "/logs", "/results")) {
            Response r = http.get("/api/jobs/" + unknown + suffix);
            assertThat(r.status()).as(suffix + " " + r).isEqualTo(404);
            assertThat(r.errorCode()).isEqualTo("not_found");
        }
        assertThat(http.get("/api/jobs/nope/tree").status()).isEqualTo(400);
    }

    @Test
    void treeListsTheJobAndEveryDescendant() {
        String parent = submit("{\"type\": \"fan\", \"payload\": {\"children\": 2}}");
        awaitStatus(parent, "completed");

        Response r = http.get("/api/jobs/" + parent + "/tree");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("jobs")).hasSize(3);
        Set<String> types = new HashSet<>();
        r.json().path("jobs").forEach(j -> types.add(j.path("type").asText()));
        assertThat(types).containsExactlyInAnyOrder("fan", "talk");

        Response page = http.get("/api/jobs/" + parent + "/tree?limit=2");
        assertThat(page.json().path("jobs")).hasSize(2);
        Response rest = http.get("/api/jobs/" + parent + "/tree?limit=2&cursor=" + page.json().path("next_cursor").asText());
        assertThat(rest.json().path("jobs")).hasSize(1);
    }

    @Test
    void resultsHoldTheJobsAndItsDescendantsResults() {
        String parent = submit("{\"type\": \"fan\", \"payload\": {\"children\": 2}}");
        awaitStatus(parent, "completed");

        Response r = http.get("/api/jobs/" + parent + "/results");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode results = r.json().path("results");
        assertThat(results).hasSize(3);
        List<String> values = new ArrayList<>();
        results.forEach(x -> values.add(x.path("result").toString()));
        assertThat(values).containsExactlyInAnyOrder("{\"spawned\":2}", "{\"lines\":1}", "{\"lines\":1}");
        results.forEach(x -> assertThat(x.path("status").asText()).isEqualTo("completed"));
    }

    @Test
    void savedResultsArePagedNewestFirstWithTheirIdsTitlesAndReferences() {
        String parent = submit("{\"type\": \"fan\", \"payload\": {\"children\": 3}}");
        awaitStatus(parent, "completed");

        Response first = http.get("/api/jobs/" + parent + "/results?limit=3");
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.json().path("results")).hasSize(3);
        String cursor = first.json().path("next_cursor").asText();
        Response rest = http.get("/api/jobs/" + parent + "/results?limit=3&cursor=" + cursor);
        assertThat(rest.json().path("results")).hasSize(1);
        assertThat(rest.json().path("next_cursor").isNull()).isTrue();

        List<Long> ids = new ArrayList<>();
        List<String> titles = new ArrayList<>();
        for (Response page : List.of(first, rest)) {
            page.json().path("results").forEach(x -> {
                ids.add(x.path("id").asLong());
                titles.add(x.path("title").asText());
                assertThat(x.path("created_at").isTextual()).isTrue();
                assertThat(x.has("expires_at")).isTrue();
            });
        }
        assertThat(ids).doesNotHaveDuplicates().isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(titles).containsExactlyInAnyOrder("spawned", "lines", "lines", "lines");
        List<JsonNode> talks = new ArrayList<>();
        for (Response page : List.of(first, rest)) page.json().path("results").forEach(x -> {
            if (x.path("title").asText().equals("lines")) talks.add(x);
        });
        assertThat(talks).hasSize(3).allSatisfy(t -> {
            assertThat(t.path("reference").asText()).isEqualTo("talk:1");
            assertThat(t.path("type").asText()).isEqualTo("talk");
            assertThat(t.path("status").asText()).isEqualTo("completed");
            assertThat(t.path("result")).isEqualTo(io.ordo.core.util.Json.parse("{\"lines\":1}"));
        });
    }

    @Test
    void logsComeOldestFirstAndAfterReturnsOnlyNewerLines() {
        String id = submit("{\"type\": \"talk\", \"payload\": {\"lines\": 5}}");
        awaitStatus(id, "completed");

        Response all = http.get("/api/jobs/" + id + "/logs");
        assertThat(all.status()).as(all.toString()).isEqualTo(200);
        List<String> messages = new ArrayList<>();
        all.json().path("logs").forEach(l -> messages.add(l.path("message").asText()));
        assertThat(messages).containsExactly("line 1", "line 2", "line 3", "line 4", "line 5");
        JsonNode second = all.json().path("logs").get(1);
        assertThat(second.path("level").asText()).isEqualTo("warn");
        assertThat(second.path("attempt").asInt()).isEqualTo(1);
        long last = all.json().path("next_after").asLong();
        assertThat(last).isEqualTo(all.json().path("logs").get(4).path("seq").asLong());

        long afterSecond = second.path("seq").asLong();
        Response tail = http.get("/api/jobs/" + id + "/logs?after=" + afterSecond);
        List<String> rest = new ArrayList<>();
        tail.json().path("logs").forEach(l -> rest.add(l.path("message").asText()));
        assertThat(rest).containsExactly("line 3", "line 4", "line 5");

        Response none = http.get("/api/jobs/" + id + "/logs?after=" + last);
        assertThat(none.json().path("logs")).isEmpty();
        assertThat(none.json().path("next_after").asLong()).isEqualTo(last);

        Response two = http.get("/api/jobs/" + id + "/logs?limit=2");
        assertThat(two.json().path("logs")).hasSize(2);
    }
}
