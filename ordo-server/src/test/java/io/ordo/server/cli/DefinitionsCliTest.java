package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import io.ordo.server.api.ApiJson;
import io.ordo.server.cli.Cli.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.ordo.server.cli.CliTest.UUID_LINE;
import static io.ordo.server.cli.CliTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code ordo definitions validate|apply|list|run} in-process against an in-process server on {@code memory:}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // --wait polls until the run ends: never hang the build
class DefinitionsCliTest {
    static final String STEPS = """
            steps:
              - {name: prepare, action: noop}
              - {name: left, action: sleep, depends: prepare, config: {ms: 300}}
              - {name: right, action: sleep, depends: prepare, config: {ms: "{ms}"}}
              - {name: join, action: noop, depends: [left, right]}
            """;

    static OrdoServer server;
    static Map<String, String> env;

    @TempDir
    static Path dir;

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

    static Path file(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    static Path good(String id) throws IOException {
        return file(id + ".yaml", "id: " + id + "\nname: The " + id + "\nconfig: {ms: 200}\n" + STEPS);
    }

    // ---- validate -------------------------------------------------------------------------------

    @Test
    void validateSaysValid() throws IOException {
        Path f = good("c-valid");

        Run r = ordo("definitions", "validate", f.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).containsExactly(f + ": valid (definition 'c-valid', 4 steps)");
        assertThat(r.err()).isEmpty();
        assertThat(server.ordo().definitions().get("c-valid")).isEmpty();
    }

    @Test
    void validatePrintsEveryProblemOnePerLine() throws IOException {
        Path f = file("c-bad.yaml", "id: c-bad\nschedule: \"99 * * * *\"\nsteps:\n  - {name: a, action: teleport}\n  - {name: b, action: noop, depends: [a, ghost]}\n");

        Run r = ordo("definitions", "validate", f.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.FAILED);
        assertThat(r.outLines()).hasSize(3);
        assertThat(r.outLines().get(0)).startsWith(f + ": schedule: '99 * * * *' is not a cron expression");
        assertThat(r.outLines().get(1)).isEqualTo(f + ": steps[0].action: unknown action 'teleport' (known: agent, crawl, exec, fail, git, http, maintenance, noop, sleep, transform)");
        assertThat(r.outLines().get(2)).isEqualTo(f + ": steps[1].depends[1]: unknown step 'ghost' (steps: a, b)");
        assertThat(r.errLines()).containsExactly("ordo: " + f + " is invalid (3 problems)");
    }

    @Test
    void theAgentExampleValidatesLocallyAndBadAgentOrGitConfigIsNamedByField() throws IOException {
        Path example = Path.of("..", "job-definitions", "summarise-site.yaml");
        Run ok = Cli.run(Map.of("ORDO_SERVER", "http://127.0.0.1:1"), "definitions", "validate", example.toString(), "--local");
        assertThat(ok.exit()).as(ok.toString()).isZero();
        assertThat(ok.outLines()).containsExactly(example + ": valid (definition 'summarise-site', 3 steps)");

        Path f = file("c-agent.yaml", """
                id: c-agent
                steps:
                  - {name: ask, action: agent, config: {base_url: "http://127.0.0.1:11434/v1", model: m, prompt: "hi", api_key_env: ORDO_ADMIN_TOKEN}}
                  - {name: build, action: git, config: {url: "https://example.com/r.git", ref: "--upload-pack=x", command: [make]}}
                """);
        Run bad = Cli.run(Map.of("ORDO_SERVER", "http://127.0.0.1:1"), "definitions", "validate", f.toString(), "--local");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(Main.FAILED);
        assertThat(bad.outLines()).hasSize(2);
        assertThat(bad.outLines().get(0)).startsWith(f + ": steps.ask.config.api_key_env: 'ORDO_ADMIN_TOKEN' may not be read by this node");
        assertThat(bad.outLines().get(1)).startsWith(f + ": steps.build.config.ref: '--upload-pack=x' is not a branch, tag or full commit id");
        assertThat(bad.errLines()).containsExactly("ordo: " + f + " is invalid (2 problems)");
    }

    @Test
    void validateJsonAndLocal() throws Exception {
        Path f = file("c-local.toml", "id = \"c-local\"\n[[steps]]\nname = \"a\"\naction = \"sleep\"\n");

        Run remote = ordo("definitions", "validate", f.toString(), "--json");
        // --local needs no server
        Run local = Cli.run(Map.of("ORDO_SERVER", "http://127.0.0.1:1"), "definitions", "validate", f.toString(), "--local", "--json");

        assertThat(remote.exit()).isEqualTo(Main.FAILED);
        JsonNode j = ApiJson.read(remote.out());
        assertThat(j.path("valid").asBoolean()).isFalse();
        assertThat(j.path("problems").get(0).path("field").asText()).isEqualTo("steps.a.config.ms");
        assertThat(j.path("definition").isNull()).isTrue();
        assertThat(local.exit()).as(local.toString()).isEqualTo(Main.FAILED);
        assertThat(ApiJson.read(local.out())).isEqualTo(j);

        Run localOk = Cli.run(Map.of(), "definitions", "validate", good("c-local-ok").toString(), "--local");
        assertThat(localOk.exit()).as(localOk.toString()).isZero();
    }

    @Test
    void validateUsageErrors() throws IOException {
        assertOneLineError(ordo("definitions", "validate", dir.resolve("missing.yaml").toString()), Main.USAGE, "no such file");
        Path txt = file("c.txt", "id: x");
        assertOneLineError(ordo("definitions", "validate", txt.toString()), Main.USAGE, "not a definition file");
    }

    // ---- apply ----------------------------------------------------------------------------------

    @Test
    void applyCreatesUpdatesAndReportsUnchanged() throws IOException {
        Path f = good("c-apply");

        Run created = ordo("definitions", "apply", f.toString());
        Run same = ordo("definitions", "apply", f.toString());
        Files.writeString(f, Files.readString(f).replace("ms: 300", "ms: 301"));
        Run updated = ordo("definitions", "apply", f.toString());

        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.outLines()).containsExactly("c-apply version 1 (created)");
        assertThat(same.outLines()).containsExactly("c-apply version 1 (unchanged)");
        assertThat(updated.exit()).as(updated.toString()).isZero();
        assertThat(updated.outLines()).containsExactly("c-apply version 2 (updated)");
        assertThat(server.ordo().definitions().require("c-apply").source()).contains("ms: 301");
        assertThat(server.ordo().definitions().require("c-apply").format()).isEqualTo("yaml");
    }

    @Test
    void applyOfAnInvalidFileStoresNothing() throws IOException {
        Path f = file("c-apply-bad.yaml", "id: c-apply-bad\nsteps:\n  - {name: a, action: noop, depends: a}\n");

        Run r = ordo("definitions", "apply", f.toString());

        assertThat(r.exit()).isEqualTo(Main.FAILED);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).containsExactly(f + ": steps[0].depends: dependency cycle: a -> a",
                "ordo: " + f + " is invalid (1 problem); nothing was stored");
        assertThat(server.ordo().definitions().get("c-apply-bad")).isEmpty();
    }

    @Test
    void applyJson() throws Exception {
        Run r = ordo("definitions", "apply", good("c-apply-json").toString(), "--json");

        JsonNode j = ApiJson.read(r.out());
        assertThat(j.path("id").asText()).isEqualTo("c-apply-json");
        assertThat(j.path("change").asText()).isEqualTo("created");
        assertThat(j.path("version").asInt()).isEqualTo(1);
    }

    // ---- list -----------------------------------------------------------------------------------

    @Test
    void listPrintsATableAndJson() throws Exception {
        ordo("definitions", "apply", good("c-list").toString());
        ordo("definitions", "apply", file("c-list-toml.toml", "id = \"c-list-toml\"\nschedule = \"0 3 * * *\"\nenabled = false\n"
                + "[[steps]]\nname = \"a\"\naction = \"noop\"\n").toString());

        Run table = ordo("definitions", "list");
        Run json = ordo("definitions", "list", "--json");

        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.outLines().get(0)).matches("ID\\s+VERSION\\s+ENABLED\\s+SCHEDULE\\s+STEPS\\s+NAME");
        assertThat(table.outLines()).anySatisfy(l -> assertThat(l).matches("c-list\\s+1\\s+yes\\s+-\\s+4\\s+The c-list"));
        assertThat(table.outLines()).anySatisfy(l -> assertThat(l).matches("c-list-toml\\s+1\\s+no\\s+0 3 \\* \\* \\*\\s+1"));
        JsonNode all = ApiJson.read(json.out());
        assertThat(all.isArray()).isTrue();
        List<String> ids = new ArrayList<>();
        all.forEach(d -> ids.add(d.path("id").asText()));
        assertThat(ids).contains("c-list", "c-list-toml");
    }

    // ---- run ------------------------------------------------------------------------------------

    @Test
    void runPrintsTheRunId() throws IOException {
        ordo("definitions", "apply", good("c-run").toString());

        Run r = ordo("definitions", "run", "c-run");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).singleElement().asString().matches(UUID_LINE);
    }

    @Test
    void runWaitShowsProgressThenASummary() throws IOException {
        ordo("definitions", "apply", good("c-wait").toString());

        Run r = ordo("definitions", "run", "c-wait", "--wait", "--progress", "lines", "--lines-interval", "10ms");

        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> out = r.outLines();
        assertThat(out.get(0)).matches(UUID_LINE);
        assertThat(out.get(1)).matches("run " + out.get(0) + " of 'c-wait' completed in \\d+(ms|\\.\\ds)");
        assertThat(out.get(2)).matches("STEP\\s+STATUS\\s+ATTEMPTS\\s+ERROR");
        assertThat(out.subList(3, 7)).satisfiesExactly(
                l -> assertThat(l).matches("prepare\\s+completed\\s+1"),
                l -> assertThat(l).matches("left\\s+completed\\s+1"),
                l -> assertThat(l).matches("right\\s+completed\\s+1"),
                l -> assertThat(l).matches("join\\s+completed\\s+1"));
        assertThat(out.subList(7, out.size())).containsExactly("steps: 4 completed", "jobs:  4 completed (4 in all)");
        List<String> progress = r.errLines();
        assertThat(progress).isNotEmpty().allSatisfy(l -> assertThat(l).matches("\\[[#-]{24}] \\d+/\\d+  \\d+ pending, \\d+ running, \\d+ completed, \\d+ failed.*"));
        assertThat(progress.get(progress.size() - 1)).isEqualTo("[########################] 4/4  0 pending, 0 running, 4 completed, 0 failed");
        assertThat(r.err()).doesNotContain("\r");
    }

    @Test
    void runWaitBarRedrawsOneLine() throws IOException {
        ordo("definitions", "apply", good("c-bar").toString());

        Run r = ordo("definitions", "run", "c-bar", "--wait", "--progress", "bar");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).startsWith("\r[").contains("\r[########################] 4/4  0 pending, 0 running, 4 completed, 0 failed");
        assertThat(r.err().chars().filter(c -> c == '\n').count()).as("one line, redrawn").isEqualTo(1);
        assertThat(r.err()).endsWith(System.lineSeparator());
    }

    @Test
    void runWaitJsonIsTheFinalRunWithCounts() throws Exception {
        ordo("definitions", "apply", good("c-json").toString());

        Run r = ordo("definitions", "run", "c-json", "--wait", "--json", "--progress", "none");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        JsonNode j = ApiJson.read(r.out());
        assertThat(fields(j)).containsExactlyInAnyOrder("job_id", "definition_id", "status", "error", "warning", "created_at", "started_at",
                "finished_at", "counts", "steps");
        assertThat(j.path("job_id").asText()).matches(UUID_LINE);
        assertThat(j.path("definition_id").asText()).isEqualTo("c-json");
        assertThat(j.path("status").asText()).isEqualTo("completed");
        assertThat(fields(j.path("counts"))).containsExactlyInAnyOrder("scheduled", "pending", "running", "waiting", "completed",
                "failed", "cancelled", "skipped", "total");
        assertThat(j.path("counts").path("completed").asInt()).isEqualTo(4);
        assertThat(j.path("counts").path("total").asInt()).isEqualTo(4);
        assertThat(j.path("steps")).hasSize(4);
        assertThat(fields(j.path("steps").get(0))).containsExactlyInAnyOrder("name", "status", "job_id", "attempts", "error");
        assertThat(j.path("steps").get(0).path("name").asText()).isEqualTo("prepare");
        assertThat(j.path("steps").get(3).path("status").asText()).isEqualTo("completed");
    }

    @Test
    void runWaitExitsNonZeroWhenTheRunFails() throws Exception {
        ordo("definitions", "apply", file("c-fail.yaml", """
                id: c-fail
                steps:
                  - {name: ok, action: noop}
                  - name: boom
                    action: fail
                    depends: ok
                    config: {message: kaboom}
                    retry: {max_attempts: 2, backoff: 10ms}
                  - {name: after, action: noop, depends: boom}
                  - {name: always, action: noop, depends: boom, always_run: true}
                """).toString());

        Run r = ordo("definitions", "run", "c-fail", "--wait", "--progress", "none");
        Run json = ordo("definitions", "run", "c-fail", "--wait", "--json", "--progress", "none");

        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.FAILED);
        String out = r.out();
        assertThat(r.outLines().get(1)).contains(" of 'c-fail' failed in ");
        assertThat(out).containsPattern("boom\\s+failed\\s+2\\s+.*kaboom");
        assertThat(out).containsPattern("after\\s+skipped\\s+1\\s+");
        assertThat(out).containsPattern("always\\s+completed\\s+1");
        assertThat(out).contains("steps: 2 completed, 1 failed, 1 skipped");
        assertThat(out).contains("jobs:  2 completed, 2 failed, 1 skipped (5 in all)");
        assertThat(r.outLines().get(r.outLines().size() - 1)).startsWith("error: step 'boom' failed");

        assertThat(json.exit()).isEqualTo(Main.FAILED);
        JsonNode j = ApiJson.read(json.out());
        assertThat(j.path("status").asText()).isEqualTo("failed");
        assertThat(j.path("counts").path("failed").asInt()).isEqualTo(2);
        assertThat(j.path("steps").get(1).path("attempts").asInt()).isEqualTo(2);
    }

    @Test
    void aRunThatCompletesWithAWarningSaysSo() throws Exception {
        ordo("definitions", "apply", file("c-warn.yaml", """
                id: c-warn
                steps:
                  - {name: check, action: fail, on_error: continue}
                  - {name: next, action: noop, depends: check}
                """).toString());

        Run r = ordo("definitions", "run", "c-warn", "--wait", "--progress", "none");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).containsPattern("next\\s+completed\\s+1");
        assertThat(r.outLines().get(r.outLines().size() - 1)).isEqualTo("warning: step 'check' failed (on_error: continue)");
    }

    @Test
    void runErrors() {
        assertOneLineError(ordo("definitions", "run", "c-nope"), Main.FAILED, "job definition 'c-nope' not found");
        assertOneLineError(ordo("definitions", "run", "bad id"), Main.USAGE, "is not a definition id");
        assertOneLineError(ordo("definitions", "run", "x", "--wait", "--progress", "fancy"), Main.USAGE, "--progress must be");
        assertOneLineError(ordo("definitions"), Main.USAGE, "missing subcommand");
    }

    static Set<String> fields(JsonNode n) {
        Set<String> out = new HashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
