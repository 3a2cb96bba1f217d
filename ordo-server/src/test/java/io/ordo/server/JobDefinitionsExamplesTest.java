package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.Ordo;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.definition.DefinitionParser;
import io.ordo.core.definition.DefinitionValidator;
import io.ordo.core.definition.LoadReport;
import io.ordo.core.definition.Problem;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The example definitions in the repository's {@code job-definitions/}: valid, loaded at start-up, and they run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JobDefinitionsExamplesTest {
    static final Path DIR = Path.of("..", "job-definitions");
    /** The built-in actions of ordo-actions: stood in for when this build does not register them yet. */
    static final List<String> BUILT_IN = List.of("http", "crawl", "transform", "exec", "agent", "git", "maintenance");

    /** Accepts any config: only the action's name is known. */
    record StandIn(String name) implements StepAction {
        @Override
        public void validate(JsonNode config) {
        }

        @Override
        public Object run(StepContext ctx) {
            return null;
        }
    }

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> io.ordo.core.definition.Definitions.isDefinitionFile(p.getFileName().toString())).sorted().toList();
        }
    }

    @Test
    void everyExampleIsValidWithTheServersActions() throws IOException {
        ServerOptions options = new ServerOptions().storeUrl("memory:").resolve(Map.of());
        try (Ordo ordo = Ordo.create(options.toOrdoConfig().workers(false).scheduler(false))) {
            Map<String, StepAction> actions = new HashMap<>(ordo.actions());
            BUILT_IN.forEach(n -> actions.putIfAbsent(n, new StandIn(n)));
            DefinitionValidator validator = new DefinitionValidator(actions);
            DefinitionParser parser = new DefinitionParser();

            assertThat(files()).extracting(p -> p.getFileName().toString())
                    .contains("demo.yaml", "retry-then-fail.yaml", "hourly-report.toml", "site-docs.yaml", "summarise-site.yaml");
            for (Path f : files()) {
                DefinitionParser.Result r = parser.parse(f.toString(), Files.readString(f));
                assertThat(r.problems()).as(f.toString()).isEmpty();
                List<Problem> problems = validator.validate(f.toString(), r.definition());
                assertThat(problems).as(f.toString()).isEmpty();
            }
        }
    }

    @Test
    void theServerLoadsThemAtStartUpAndTheyRun() {
        OrdoServer server = TestServer.start(new ServerOptions().definitionsDir(DIR));
        try {
            LoadReport report = server.definitionsLoaded();
            List<String> loaded = report.loaded().stream().map(l -> l.result().definition().id()).toList();
            assertThat(loaded).contains("demo", "retry-then-fail", "hourly-report");
            if (server.ordo().actions().containsKey("crawl")) {
                assertThat(loaded).contains("site-docs", "summarise-site");
            } else {
                // this build has no crawl action yet: the file is skipped whole, with the reason
                assertThat(report.rejected()).singleElement().satisfies(r -> {
                    assertThat(r.file()).endsWith("site-docs.yaml");
                    assertThat(r.problems()).extracting(Problem::field).contains("steps[0].action");
                    assertThat(r.problems().get(0).message()).startsWith("unknown action 'crawl'");
                });
                assertThat(server.ordo().definitions().get("site-docs")).isEmpty();
            }

            var defs = server.ordo().definitions();
            Job demo = defs.run("demo");
            Job failing = defs.run("retry-then-fail");
            Job hourly = defs.run("hourly-report");

            Job demoDone = awaitEnd(server, demo.id());
            assertThat(demoDone.status()).isEqualTo(JobStatus.COMPLETED);
            assertThat(demoDone.warning()).contains("optional-check");
            assertThat(stepStatuses(server, demo.id())).containsEntry("cleanup", JobStatus.COMPLETED)
                    .containsEntry("optional-check", JobStatus.FAILED).containsEntry("report", JobStatus.COMPLETED);

            assertThat(awaitEnd(server, hourly.id()).status()).isEqualTo(JobStatus.COMPLETED);

            Job failed = awaitEnd(server, failing.id());
            assertThat(failed.status()).isEqualTo(JobStatus.FAILED);
            assertThat(failed.error()).contains("step 'flaky' failed");
            assertThat(stepStatuses(server, failing.id())).containsEntry("build", JobStatus.COMPLETED)
                    .containsEntry("flaky", JobStatus.FAILED).containsEntry("publish", JobStatus.SKIPPED)
                    .containsEntry("notify", JobStatus.COMPLETED);
            long flakyAttempts = server.ordo().jobs().children(failing.id(), null, 100).items().stream()
                    .filter(j -> "flaky".equals(j.step())).count();
            assertThat(flakyAttempts).isEqualTo(3);
        } finally {
            server.close();
        }
    }

    static Job awaitEnd(OrdoServer server, UUID id) {
        Job[] last = new Job[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> (last[0] = server.ordo().jobs().require(id)).isTerminal());
        return last[0];
    }

    /** The newest attempt of each step of a run. */
    static Map<String, JobStatus> stepStatuses(OrdoServer server, UUID runId) {
        Map<String, JobStatus> out = new HashMap<>();
        for (Job j : server.ordo().store().list(JobFilter.ALL.withParent(runId), null, 100).items()) { // newest first
            out.putIfAbsent(j.step(), j.status());
        }
        return out;
    }
}
