package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.ordo.core.model.JobStatus;
import io.ordo.server.ApiTestServer;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import io.ordo.server.api.ApiJson;
import io.ordo.server.cli.Cli.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.ordo.server.cli.CliTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code jobs list|logs|cancel|restart|delete|bulk}, {@code queues}, {@code nodes} against a running server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobsCliTest {
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

    static String submit(String... args) {
        Run r = ordo(args);
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.outLines().get(0);
    }

    static void awaitStatus(String id, JobStatus status) {
        await().atMost(Duration.ofSeconds(10)).until(() -> TestServer.job(server, id).status() == status);
    }

    static String queue(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void listPrintsATableFilteredByQueueAndStatus() {
        String q = queue("cl");
        String a = submit("submit", "noop", "--queue", q, "--delay", "1h");
        String b = submit("submit", "sleep", "--payload", "{\"ms\": 1}", "--queue", q, "--delay", "1h");

        Run r = ordo("jobs", "list", "--queue", q);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(3);
        assertThat(r.outLines().get(0)).startsWith("ID").contains("TYPE", "QUEUE", "STATUS", "ATTEMPT", "CREATED");
        assertThat(r.outLines().get(1)).startsWith(b).contains("sleep", "scheduled", "0/");
        assertThat(r.outLines().get(2)).startsWith(a).contains("noop");

        Run typed = ordo("jobs", "list", "--queue", q, "--type", "noop", "--status", "scheduled,pending");
        assertThat(typed.outLines()).hasSize(2);
        assertThat(ordo("jobs", "list", "--queue", q, "--status", "failed").outLines()).containsExactly("no jobs");
    }

    @Test
    void listPagesWithCursorOrAll() throws Exception {
        String q = queue("cp");
        for (int i = 0; i < 5; i++) submit("submit", "noop", "--queue", q, "--delay", "1h");

        Run first = ordo("jobs", "list", "--queue", q, "--limit", "2", "--json");
        JsonNode page = ApiJson.read(first.out());
        assertThat(page.path("jobs")).hasSize(2);
        String cursor = page.path("next_cursor").asText();
        Run second = ordo("jobs", "list", "--queue", q, "--limit", "2", "--cursor", cursor, "--json");
        assertThat(ApiJson.read(second.out()).path("jobs").get(0).path("id").asText())
                .isNotEqualTo(page.path("jobs").get(1).path("id").asText());

        Run table = ordo("jobs", "list", "--queue", q, "--limit", "2");
        assertThat(table.err()).contains("--cursor");
        Run all = ordo("jobs", "list", "--queue", q, "--limit", "2", "--all", "--json");
        assertThat(ApiJson.read(all.out()).path("jobs")).hasSize(5);
        assertThat(ApiJson.read(all.out()).path("next_cursor").isNull()).isTrue();
    }

    @Test
    void listRefusesBadFiltersWithOneLine() {
        assertOneLineError(ordo("jobs", "list", "--status", "finished"), Main.USAGE, "unknown status 'finished'");
        assertOneLineError(ordo("jobs", "list", "--parent", "nope"), Main.USAGE, "is not a job id");
        assertOneLineError(ordo("jobs", "list", "--limit", "0"), Main.USAGE, "limit");
        assertOneLineError(ordo("jobs", "list", "--cursor", "zzz"), Main.USAGE, "cursor");
        assertOneLineError(ordo("jobs", "list", "--cursor", "zzz", "--all"), Main.USAGE, "not both");
    }

    @Test
    void logsPrintTheLinesAndFollowUntilTheJobEnds() {
        String id = submit("submit", "talk", "--payload", "{\"lines\": 3}");
        awaitStatus(id, JobStatus.COMPLETED);

        Run r = ordo("jobs", "logs", id);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(3);
        assertThat(r.outLines().get(0)).contains("INFO", "#1", "line 1");
        assertThat(r.outLines().get(1)).contains("WARN", "line 2");

        // the job is still running when -f starts: every line comes, then it exits 0
        String slow = submit("submit", "talk", "--payload", "{\"lines\": 6, \"ms\": 150}");
        Run followed = ordo("jobs", "logs", slow, "-f", "--poll-interval", "50ms");
        assertThat(followed.exit()).as(followed.toString()).isZero();
        assertThat(followed.outLines()).hasSize(6);
        assertThat(followed.outLines().get(5)).endsWith("line 6");
        assertThat(TestServer.job(server, slow).status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void logsJsonIsOneObjectPerLineAndAfterSkipsLines() throws Exception {
        String id = submit("submit", "talk", "--payload", "{\"lines\": 3}");
        awaitStatus(id, JobStatus.COMPLETED);

        Run r = ordo("jobs", "logs", id, "--json");
        List<String> lines = r.outLines();
        assertThat(lines).hasSize(3);
        long firstSeq = ApiJson.read(lines.get(0)).path("seq").asLong();
        assertThat(ApiJson.read(lines.get(2)).path("message").asText()).isEqualTo("line 3");
        Run after = ordo("jobs", "logs", id, "--after", Long.toString(firstSeq));
        assertThat(after.outLines()).hasSize(2);
        assertThat(after.outLines().get(0)).endsWith("line 2");
    }

    @Test
    void followingAFailedJobExitsNonZero() {
        String id = submit("submit", "fail", "--max-attempts", "1");
        Run r = ordo("jobs", "logs", id, "-f", "--poll-interval", "50ms");
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.FAILED);
        assertThat(r.err()).startsWith("ordo: ").contains("failed");
    }

    @Test
    void cancelRestartAndDelete() {
        String id = submit("submit", "noop", "--delay", "1h");

        Run cancel = ordo("jobs", "cancel", id);
        assertThat(cancel.exit()).as(cancel.toString()).isZero();
        assertThat(cancel.outLines()).containsExactly(id + " cancelled");
        assertThat(TestServer.job(server, id).status()).isEqualTo(JobStatus.CANCELLED);

        Run restart = ordo("jobs", "restart", id);
        assertThat(restart.outLines()).containsExactly(id + " pending");
        awaitStatus(id, JobStatus.COMPLETED);

        Run delete = ordo("jobs", "delete", id);
        assertThat(delete.outLines()).containsExactly(id + " deleted");
        assertThat(server.ordo().jobs().get(UUID.fromString(id))).isEmpty();
    }

    @Test
    void illegalActionsAreOneLineErrors() {
        String done = submit("submit", "noop");
        awaitStatus(done, JobStatus.COMPLETED);
        assertOneLineError(ordo("jobs", "restart", done), Main.FAILED, "only failed or cancelled jobs can be restarted");
        assertOneLineError(ordo("jobs", "cancel", done), Main.FAILED, "nothing to cancel");
        String running = submit("submit", "sleep", "--payload", "{\"ms\": 20000}");
        awaitStatus(running, JobStatus.RUNNING);
        assertOneLineError(ordo("jobs", "delete", running), Main.FAILED, "cancel it before deleting");
        assertOneLineError(ordo("jobs", "delete", UUID.randomUUID().toString()), Main.FAILED, "not found");
        assertOneLineError(ordo("jobs", "cancel", "x"), Main.USAGE, "is not a job id");

        // several ids: the refused one is reported, the others still acted on
        String pending = submit("submit", "noop", "--delay", "1h");
        Run r = ordo("jobs", "cancel", done, pending, running);
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.FAILED);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("ordo: " + done);
        assertThat(r.outLines()).containsExactly(pending + " cancelled", running + " cancel requested");
        awaitStatus(running, JobStatus.CANCELLED);
    }

    @Test
    void bulkByIdsAndByFilter() throws Exception {
        String q = queue("cb");
        String a = submit("submit", "noop", "--queue", q, "--delay", "1h");
        String b = submit("submit", "noop", "--queue", q, "--delay", "1h");
        String c = submit("submit", "noop", "--queue", q, "--delay", "1h");

        Run ids = ordo("jobs", "bulk", "cancel", "--ids", a + "," + b);
        assertThat(ids.exit()).as(ids.toString()).isZero();
        assertThat(ids.outLines()).containsExactly("cancel: 2 matched, 2 done, 0 refused");
        assertThat(TestServer.job(server, c).status()).isEqualTo(JobStatus.SCHEDULED);

        Run filter = ordo("jobs", "bulk", "delete", "--queue", q, "--status", "cancelled", "--json");
        JsonNode answer = ApiJson.read(filter.out());
        assertThat(answer.path("succeeded").asInt()).as(filter.toString()).isEqualTo(2);
        assertThat(server.ordo().jobs().get(UUID.fromString(a))).isEmpty();

        Run refused = ordo("jobs", "bulk", "delete", "--queue", q);
        assertThat(refused.exit()).isEqualTo(Main.FAILED);
        assertThat(refused.outLines()).containsExactly("delete: 1 matched, 0 done, 1 refused");
        assertThat(refused.err()).contains(c);

        assertOneLineError(ordo("jobs", "bulk", "explode", "--ids", a), Main.USAGE, "ACTION must be");
        assertOneLineError(ordo("jobs", "bulk", "cancel"), Main.USAGE, "");
        assertOneLineError(ordo("jobs", "bulk", "cancel", "--ids", a, "--queue", q), Main.USAGE, "");
        assertOneLineError(ordo("jobs", "bulk", "cancel", "--ids", a, "--max", "3"), Main.USAGE, "--max");
        assertOneLineError(ordo("jobs", "bulk", "cancel", "--queue", q, "--max", "0"), Main.USAGE, "max");
    }

    @Test
    void queuesListPauseAndResume() throws Exception {
        String q = queue("cq");
        submit("submit", "noop", "--queue", q, "--delay", "1h");

        Run list = ordo("queues", "list");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.outLines().get(0)).startsWith("QUEUE").contains("PENDING", "SCHEDULED", "RUNNING", "P50_MS", "PAUSED")
                .doesNotContain("MESSAGES"); // no broker carries the queues here
        assertThat(list.outLines()).anySatisfy(l -> assertThat(l).startsWith(q).endsWith("no"));

        Run pause = ordo("queues", "pause", q);
        assertThat(pause.outLines()).containsExactly(q + " paused");
        JsonNode stats = ApiJson.read(ordo("queues", "list", "--json").out());
        JsonNode mine = null;
        for (JsonNode n : stats.path("queues")) if (n.path("queue").asText().equals(q)) mine = n;
        assertThat(mine.path("paused").asBoolean()).isTrue();
        assertThat(mine.path("scheduled").asInt()).isEqualTo(1);

        assertThat(ordo("queues", "resume", q).outLines()).containsExactly(q + " resumed");
        assertThat(ordo("queues", "list").outLines()).anySatisfy(l -> assertThat(l).startsWith(q).endsWith("no"));
        assertOneLineError(ordo("queues", "pause", "bad name"), Main.USAGE, "queue 'bad name' is invalid");
        assertOneLineError(ordo("queues"), Main.USAGE, "missing subcommand");
    }

    @Test
    void queuesPurgeAsksForYesThenCancelsTheWaitingJobs() throws Exception {
        String q = queue("pq");
        submit("submit", "noop", "--queue", q, "--delay", "1h");
        submit("submit", "noop", "--queue", q, "--delay", "1h");
        assertOneLineError(ordo("queues", "purge", q), Main.USAGE, "add --yes");
        JsonNode stats = ApiJson.read(ordo("queues", "list", "--json").out());
        for (JsonNode n : stats.path("queues")) if (n.path("queue").asText().equals(q)) assertThat(n.path("scheduled").asInt()).isEqualTo(2);
        Run purged = ordo("queues", "purge", q, "--yes");
        assertThat(purged.exit()).as(purged.toString()).isZero();
        assertThat(purged.outLines()).containsExactly(q + ": 2 job(s) cancelled, 0 broker message(s) dropped");
        JsonNode again = ApiJson.read(ordo("queues", "purge", q, "--yes", "--json").out());
        assertThat(again.path("cancelled").asInt()).isZero();
        assertOneLineError(ordo("queues", "purge", "bad name", "--yes"), Main.USAGE, "queue 'bad name' is invalid");
    }

    @Test
    void nodesShowsThisNodeAlive() throws Exception {
        String node = server.ordo().config().nodeId();
        await().atMost(Duration.ofSeconds(10)).until(() -> ordo("nodes").out().contains(node));

        Run r = ordo("nodes");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines().get(0)).startsWith("NODE").contains("STATE", "HOST", "RUNNING", "QUEUES");
        assertThat(r.outLines()).anySatisfy(l -> assertThat(l).startsWith(node).contains("alive").contains("default").contains("s ago"));
        // the only node leads: marked, with the note under the table
        assertThat(r.outLines()).anySatisfy(l -> assertThat(l).startsWith(node + "*"));
        assertThat(r.outLines()).anySatisfy(l -> assertThat(l).startsWith("* leads the cluster"));
        assertThat(r.outLines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
        JsonNode json = ApiJson.read(ordo("nodes", "--json").out());
        assertThat(json.path("nodes").get(0).path("state").asText()).isEqualTo("alive");
    }

    @Test
    void showCountsTheChildrenOfAParent() {
        String parent = submit("submit", "fan", "--payload", "{\"children\": 3}");
        awaitStatus(parent, JobStatus.COMPLETED);

        Run r = ordo("jobs", "show", parent);
        assertThat(r.outLines()).anySatisfy(l -> assertThat(l).matches("children\\s+3 total: 3 completed"));
        assertThat(r.outLines()).anySatisfy(l -> assertThat(l).matches("tree\\s+3 total: 3 completed"));
        Run leaf = ordo("jobs", "show", submit("submit", "noop", "--delay", "1h"));
        assertThat(leaf.out()).doesNotContain("children").doesNotContain("tree");
    }

    @Test
    void resultsListsTheResultsSavedInATreeAndRefusesBadInputInOneLine() throws Exception {
        String parent = submit("submit", "fan", "--payload", "{\"children\": 2}");
        awaitStatus(parent, JobStatus.COMPLETED);

        Run r = ordo("jobs", "results", parent);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(4);
        assertThat(r.outLines().get(0)).contains("ID", "JOB", "TYPE", "TITLE", "REFERENCE", "CREATED", "RESULT");
        assertThat(r.outLines()).filteredOn(l -> l.contains("talk:1")).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("talk", "lines", "{\"lines\":1}"));
        assertThat(r.outLines()).filteredOn(l -> l.contains(parent)).singleElement()
                .satisfies(l -> assertThat(l).contains("fan", "spawned", "{\"spawned\":2}"));

        Run paged = ordo("jobs", "results", parent, "--limit", "1", "--all", "--json");
        JsonNode all = ApiJson.read(paged.out());
        assertThat(all.path("results")).hasSize(3);
        assertThat(all.path("next_cursor").isNull()).isTrue();
        Run first = ordo("jobs", "results", parent, "--limit", "2");
        assertThat(first.err()).contains("more: add --cursor");

        assertOneLineError(ordo("jobs", "results", "nope"), Main.USAGE, "not a job id");
        assertOneLineError(ordo("jobs", "results", parent, "--limit", "0"), Main.USAGE, "limit");
        assertOneLineError(ordo("jobs", "results", parent, "--cursor", "x"), Main.USAGE, "cursor");
        assertOneLineError(ordo("jobs", "results", UUID.randomUUID().toString()), Main.FAILED, "not found");
        assertThat(ordo("jobs", "results", submit("submit", "noop", "--delay", "1h")).outLines()).containsExactly("no results");
    }

    @Test
    void helpListsTheNewVerbs() {
        Run top = ordo("--help");
        assertThat(top.exit()).isZero();
        assertThat(top.out()).contains("queues").contains("nodes");
        Run jobs = ordo("jobs", "--help");
        assertThat(jobs.out()).contains("list", "show", "logs", "results", "cancel", "restart", "delete", "bulk");
        assertThat(ordo("queues", "--help").out()).contains("list", "pause", "resume");
    }

    @Test
    void theTokenInOrdoTokenIsSentAsBearer() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();
        HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fake.createContext("/api/cluster/nodes", ex -> {
            seen.set(ex.getRequestHeaders().getFirst("Authorization"));
            boolean ok = "Bearer s3cret".equals(seen.get());
            byte[] body = (ok ? "{\"nodes\": []}" : "{\"error\": {\"code\": \"unauthorized\", \"message\": \"missing or bad token\", \"details\": {}}}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(ok ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        fake.start();
        try {
            String url = "http://127.0.0.1:" + fake.getAddress().getPort();
            Run ok = Cli.run(Map.of("ORDO_SERVER", url, "ORDO_TOKEN", "s3cret"), "nodes");
            assertThat(ok.exit()).as(ok.toString()).isZero();
            assertThat(seen.get()).isEqualTo("Bearer s3cret");

            Run none = Cli.run(Map.of("ORDO_SERVER", url), "nodes");
            assertThat(seen.get()).isNull();
            assertOneLineError(none, Main.FAILED, "set ORDO_TOKEN");
        } finally {
            fake.stop(0);
        }
    }
}
