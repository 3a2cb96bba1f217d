package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.JobStatus;
import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import io.ordo.server.api.ApiJson;
import io.ordo.server.cli.Cli.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI run in-process against a running in-process server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // --wait polls until the job ends: never hang the build
class CliTest {
    static final Pattern UUID_LINE = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
    static final Set<String> STATUSES = Set.of("scheduled", "pending", "running", "waiting", "completed", "failed", "cancelled", "skipped");

    static OrdoServer server;
    static Map<String, String> env;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        env = Map.of("ORDO_SERVER", server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Run ordo(String... args) {
        return Cli.run(env, args);
    }

    static JsonNode json(String text) throws Exception {
        return ApiJson.read(text);
    }

    @Test
    void submitPrintsTheJobId() {
        Run r = ordo("submit", "noop");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(1);
        assertThat(r.outLines().get(0)).matches(UUID_LINE);
        assertThat(TestServer.job(server, r.outLines().get(0)).type()).isEqualTo("noop");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void submitPassesEveryOption() {
        Run r = ordo("submit", "sleep", "--payload", "{\"ms\": 5}", "--queue", "cli-q", "--priority", "4", "--delay", "1h",
                "--max-attempts", "7", "--timeout", "90s", "--unique-key", "cli-unique", "--tag", "x", "--tag", "y");

        assertThat(r.exit()).as(r.toString()).isZero();
        var job = TestServer.job(server, r.outLines().get(0));
        assertThat(job.queue()).isEqualTo("cli-q");
        assertThat(job.priority()).isEqualTo(4);
        assertThat(job.status()).isEqualTo(JobStatus.SCHEDULED);
        assertThat(job.maxAttempts()).isEqualTo(7);
        assertThat(job.timeout()).hasSeconds(90);
        assertThat(job.uniqueKey()).isEqualTo("cli-unique");
        assertThat(job.tags()).containsExactly("x", "y");
        assertThat(job.payload().path("ms").asInt()).isEqualTo(5);
    }

    @Test
    void countSubmitsCopiesInOneBatch() {
        long before = server.ordo().jobs().stats().total();

        Run r = ordo("submit", "noop", "--count", "5");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(5).allMatch(l -> UUID_LINE.matcher(l).matches());
        assertThat(new HashSet<>(r.outLines())).hasSize(5);
        assertThat(server.ordo().jobs().stats().total()).isEqualTo(before + 5);
    }

    @Test
    void waitFollowsAJobToCompletionAndExitsZero() {
        Run r = ordo("submit", "sleep", "--payload", "{\"ms\": 50}", "--wait");

        assertThat(r.exit()).as(r.toString()).isZero();
        String id = r.outLines().get(0);
        assertThat(r.errLines()).last().asString().startsWith(id + " completed");
        assertThat(r.err()).contains(id + " ").contains("attempt");
        assertThat(TestServer.job(server, id).status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void waitOnAFailingJobExitsNonZero() {
        Run r = ordo("submit", "fail", "--payload", "{\"message\": \"kaput\"}", "--max-attempts", "1", "--wait");

        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.FAILED);
        assertThat(r.errLines()).last().asString().contains("failed after 1 attempt(s)").contains("kaput");
    }

    @Test
    void waitJsonPrintsWhatJobsShowJsonPrints() throws Exception {
        Run submitted = ordo("submit", "noop", "--wait", "--json");
        assertThat(submitted.exit()).as(submitted.toString()).isZero();
        JsonNode job = json(submitted.out());
        assertThat(job.path("status").asText()).isEqualTo("completed");

        Run shown = ordo("jobs", "show", job.path("id").asText(), "--json");

        assertThat(shown.exit()).isZero();
        assertThat(submitted.out()).isEqualTo(shown.out());
        assertThat(job.path("attempt").asInt()).isEqualTo(1);
        assertThat(job.has("max_attempts") && job.has("error") && job.has("created_at") && job.has("finished_at")).isTrue();
    }

    @Test
    void waitJsonWithCountPrintsAnArrayAndNothingElse() throws Exception {
        Run r = ordo("submit", "noop", "--count", "3", "--wait", "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode jobs = json(r.out());
        assertThat(jobs.isArray()).isTrue();
        assertThat(jobs).hasSize(3).allMatch(j -> j.path("status").asText().equals("completed"));
    }

    @Test
    void waitWithCountExitsNonZeroIfAnyJobFails() {
        Run r = ordo("submit", "fail", "--count", "2", "--max-attempts", "1", "--wait");

        assertThat(r.exit()).isEqualTo(Main.FAILED);
        assertThat(r.err()).contains("2 jobs: failed 2");
    }

    @Test
    void jsonWithoutWaitPrintsTheSubmitAnswer() throws Exception {
        JsonNode one = json(ordo("submit", "noop", "--json").out());
        assertThat(one.path("job_id").asText()).matches(UUID_LINE);
        assertThat(one.path("status_url").asText()).isEqualTo("/api/jobs/" + one.path("job_id").asText());

        JsonNode many = json(ordo("submit", "noop", "--json", "--count", "2").out());
        assertThat(many).hasSize(2);
    }

    @Test
    void statsJsonHasExactlyTheStatusNames() throws Exception {
        ordo("submit", "noop");

        Run r = ordo("stats", "--json");

        assertThat(r.exit()).as(r.toString()).isZero();
        JsonNode stats = json(r.out());
        Set<String> keys = new HashSet<>();
        stats.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).isEqualTo(STATUSES);
        assertThat(stats.path("completed").asLong() + stats.path("pending").asLong() + stats.path("running").asLong()).isPositive();
    }

    @Test
    void statsPrintsATable() {
        ordo("submit", "noop", "--queue", "table-q", "--delay", "1h");

        Run r = ordo("stats");

        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.get(0)).startsWith("STATUS").contains("TOTAL").contains("default").contains("table-q");
        assertThat(lines).hasSize(1 + STATUSES.size() + 1);
        assertThat(lines).anyMatch(l -> l.matches("scheduled\\s+\\d+.*"));
        assertThat(lines.get(lines.size() - 1)).startsWith("total");
    }

    @Test
    void jobsShowPrintsStatusAttemptErrorAndTimestamps() {
        String id = ordo("submit", "fail", "--payload", "{\"message\": \"nope\"}", "--max-attempts", "1", "--wait").outLines().get(0);

        Run r = ordo("jobs", "show", id);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("(?m)^id\\s+" + id + "$")
                .containsPattern("(?m)^status\\s+failed$")
                .containsPattern("(?m)^attempt\\s+1/1$")
                .containsPattern("(?m)^error\\s+.*nope")
                .containsPattern("(?m)^created_at\\s+\\d{4}-")
                .containsPattern("(?m)^finished_at\\s+\\d{4}-")
                .containsPattern("(?m)^errors$")
                .containsPattern("(?m)^\\s+#1 .* error .*nope");
    }

    @Test
    void jobsShowJsonIsTheApiObject() throws Exception {
        String id = ordo("submit", "noop", "--delay", "1h").outLines().get(0);

        JsonNode shown = json(ordo("jobs", "show", id, "--json").out());

        try (Http http = new Http(server.url())) {
            assertThat(shown).isEqualTo(http.get("/api/jobs/" + id).json());
        }
    }

    @Test
    void theServerFlagWinsOverTheEnvironment() {
        Run r = Cli.run(Map.of("ORDO_SERVER", "http://127.0.0.1:1"), "submit", "noop", "--server", server.url());
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    // ---- bad input: one line on stderr, non-zero exit, never a stack trace ----------------------

    static void assertOneLineError(Run r, int exit, String contains) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).startsWith("ordo: ").contains(contains).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownTypeIsAUsageError() {
        assertOneLineError(ordo("submit", "no-such-type"), Main.USAGE, "unknown job type 'no-such-type'");
    }

    @Test
    void invalidJsonPayloadIsRefusedBeforeAnyRequest() {
        Run r = Cli.run(Map.of("ORDO_SERVER", "http://127.0.0.1:1"), "submit", "noop", "--payload", "{ms: 5");
        assertOneLineError(r, Main.USAGE, "--payload is not valid JSON");
    }

    @Test
    void negativeDelayIsAUsageError() {
        assertOneLineError(ordo("submit", "noop", "--delay", "-5s"), Main.USAGE, "must not be negative");
        assertOneLineError(ordo("submit", "noop", "--delay=-5s"), Main.USAGE, "must not be negative");
        assertOneLineError(ordo("submit", "noop", "--delay", "soon"), Main.USAGE, "is not a duration");
    }

    @Test
    void unknownFlagsAreUsageErrors() {
        assertOneLineError(ordo("submit", "noop", "--bogus"), Main.USAGE, "Unknown option: '--bogus'");
        assertOneLineError(ordo("stats", "--bogus"), Main.USAGE, "see 'ordo stats --help'");
        assertOneLineError(ordo("frobnicate"), Main.USAGE, "frobnicate");
        assertOneLineError(ordo("submit", "noop", "--priority", "high"), Main.USAGE, "'high' is not an int");
    }

    @Test
    void missingArgumentsAreUsageErrors() {
        assertOneLineError(ordo("submit"), Main.USAGE, "TYPE");
        assertOneLineError(ordo(), Main.USAGE, "missing command");
        assertOneLineError(ordo("jobs"), Main.USAGE, "missing subcommand");
        assertOneLineError(ordo("jobs", "show"), Main.USAGE, "ID");
        assertOneLineError(ordo("submit", "noop", "--count", "0"), Main.USAGE, "--count must be 1-");
        assertOneLineError(ordo("submit", "noop", "--max-attempts", "0"), Main.USAGE, "--max-attempts must be at least 1");
    }

    @Test
    void anUnreachableServerIsOneClearLine() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = Cli.run(Map.of("ORDO_SERVER", "http://127.0.0.1:" + port), "stats");
        assertOneLineError(r, Main.FAILED, "cannot reach the Ordo server at http://127.0.0.1:" + port);
        assertOneLineError(Cli.run(Map.of(), "jobs", "show", UUID.randomUUID().toString(), "--server", "http://127.0.0.1:" + port),
                Main.FAILED, "cannot reach");
    }

    @Test
    void aServerHostThatDoesNotResolveIsNotCalledConnectionRefused() {
        Run r = Cli.run(Map.of(), "stats", "--server", "http://no-such-host.invalid:8080");
        assertOneLineError(r, Main.FAILED, "cannot reach the Ordo server at http://no-such-host.invalid:8080 (unknown host)");
    }

    @Test
    void aMissingPayloadFileSaysSo() {
        Run r = Cli.run(Map.of("ORDO_SERVER", "http://127.0.0.1:1"), "submit", "noop", "--payload", "@/no/such/payload.json");
        assertOneLineError(r, Main.USAGE, "--payload: cannot read /no/such/payload.json: no such file");
    }

    @Test
    void aBadServerUrlIsAUsageError() {
        assertOneLineError(ordo("stats", "--server", "ftp://x"), Main.USAGE, "is not an http(s) URL");
        assertOneLineError(ordo("stats", "--server", "http://exa mple"), Main.USAGE, "is not a URL");
    }

    @Test
    void anUnknownJobIsNotFound() {
        assertOneLineError(ordo("jobs", "show", UUID.randomUUID().toString()), Main.FAILED, "not found");
        assertOneLineError(ordo("jobs", "show", "../health"), Main.USAGE, "is not a job id");
    }

    @Test
    void aFullQueueIsReported() {
        // tiny takes 2 waiting jobs and has no worker
        ordo("submit", "noop", "--queue", "tiny", "--count", "2");
        assertOneLineError(ordo("submit", "noop", "--queue", "tiny"), Main.FAILED, "queue 'tiny' is full");
    }

    @Test
    void helpAndVersionExitZero() {
        Run help = ordo("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("server").contains("submit").contains("jobs").contains("stats");
        Run submitHelp = ordo("submit", "--help");
        assertThat(submitHelp.out()).contains("--count").contains("--wait").contains("--unique-key");
        assertThat(ordo("--version").out()).startsWith("ordo ");
    }
}
