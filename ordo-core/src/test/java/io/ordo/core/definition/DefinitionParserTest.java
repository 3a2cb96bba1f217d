package io.ordo.core.definition;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.definition.DefinitionParser.Format;
import io.ordo.core.definition.StepDefinition.OnError;
import io.ordo.core.model.ChildPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing YAML and TOML into {@link JobDefinition}s, and every kind of problem with its field path. */
class DefinitionParserTest {
    static final String YAML = """
            id: demo
            name: Demo
            description: All the fields
            schedule: "*/5 * * * *"
            timeout: 30m
            enabled: false
            tags: [a, b]
            allow_overlap: true
            config:
              base: "http://localhost:8089"
              pages: 20
              ratio: 0.5
              big: 12345678901
            steps:
              - name: first
                action: noop
              - name: nap
                action: sleep
                depends: first
                config: { ms: 50, note: "{base}/x", list: [1, 2.5, true, null] }
                on_error: continue
                timeout: 1h30m
              - name: flaky
                action: fail
                depends: [first, nap]
                config: { times: 1 }
                retry: { max_attempts: 3, backoff: 2s }
                error_tolerance: { max_child_failures: 2, action: mark_warning }
                cache: { key: "flaky-{base}", ttl: 1h }
                max_children: 10
                max_depth: 2
              - name: last
                action: noop
                depends: [flaky]
                always_run: true
            """;

    static final String TOML = """
            id = "demo"
            name = "Demo"
            description = "All the fields"
            schedule = "*/5 * * * *"
            timeout = "30m"
            enabled = false
            tags = ["a", "b"]
            allow_overlap = true

            [config]
            base = "http://localhost:8089"
            pages = 20
            ratio = 0.5
            big = 12345678901

            [[steps]]
            name = "first"
            action = "noop"

            [[steps]]
            name = "nap"
            action = "sleep"
            depends = "first"
            on_error = "continue"
            timeout = "1h30m"
            config = { ms = 50, note = "{base}/x", list = [1, 2.5, true] }

            [[steps]]
            name = "flaky"
            action = "fail"
            depends = ["first", "nap"]
            config = { times = 1 }
            retry = { max_attempts = 3, backoff = "2s" }
            error_tolerance = { max_child_failures = 2, action = "mark_warning" }
            cache = { key = "flaky-{base}", ttl = "1h" }
            max_children = 10
            max_depth = 2

            [[steps]]
            name = "last"
            action = "noop"
            depends = ["flaky"]
            always_run = true
            """;

    /** A stand-in for the crawl action: start_urls is required. */
    static final class FakeCrawl implements StepAction {
        @Override
        public String name() {
            return "crawl";
        }

        @Override
        public void validate(JsonNode config) {
            if (!config.has("start_urls")) throw new InvalidRequestException("config.start_urls: required (a list of URLs)");
            if (config.has("max_pages") && !config.get("max_pages").isIntegralNumber()) {
                throw new InvalidRequestException("config.max_pages: must be a whole number");
            }
        }

        @Override
        public Object run(StepContext ctx) {
            return null;
        }
    }

    Ordo ordo;
    Definitions defs;

    @BeforeEach
    void open() {
        ordo = Ordo.create(OrdoConfig.defaults().storeUrl("memory:").workers(false).scheduler(false).action(new FakeCrawl()));
        defs = ordo.definitions();
    }

    @AfterEach
    void close() {
        ordo.close();
    }

    List<String> problems(String file, String text) {
        return defs.validate(file, text).stream().map(Problem::toString).toList();
    }

    // ---- parsing ------------------------------------------------------------------------------------

    @Test
    void yamlAndTomlOfTheSameDefinitionAreEqual() {
        // TOML has no null: compare without it
        String yaml = YAML.replace(", null]", "]");
        JobDefinition fromYaml = defs.parse("demo.yaml", yaml);
        JobDefinition fromToml = defs.parse("demo.toml", TOML);

        assertThat(fromToml).isEqualTo(fromYaml);
    }

    @Test
    void everyFieldIsRead() {
        JobDefinition d = defs.parse("demo.yml", YAML);

        assertThat(d.id()).isEqualTo("demo");
        assertThat(d.name()).isEqualTo("Demo");
        assertThat(d.description()).isEqualTo("All the fields");
        assertThat(d.schedule()).isEqualTo("*/5 * * * *");
        assertThat(d.timeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(d.enabled()).isFalse();
        assertThat(d.tags()).containsExactly("a", "b");
        assertThat(d.allowOverlap()).isTrue();
        assertThat(d.config()).containsOnlyKeys("base", "pages", "ratio", "big");
        assertThat(d.config().get("pages").intValue()).isEqualTo(20);
        assertThat(d.config().get("big").longValue()).isEqualTo(12345678901L);
        assertThat(d.steps()).extracting(StepDefinition::name).containsExactly("first", "nap", "flaky", "last");

        StepDefinition nap = d.step("nap");
        assertThat(nap.depends()).containsExactly("first");
        assertThat(nap.onError()).isEqualTo(OnError.CONTINUE);
        assertThat(nap.timeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(nap.config().path("note").asText()).isEqualTo("{base}/x");

        StepDefinition flaky = d.step("flaky");
        assertThat(flaky.depends()).containsExactly("first", "nap");
        assertThat(flaky.onError()).as("retry without on_error means on_error: retry").isEqualTo(OnError.RETRY);
        assertThat(flaky.retry()).isEqualTo(new StepDefinition.RetrySpec(3, Duration.ofSeconds(2)));
        assertThat(flaky.errorTolerance()).isEqualTo(new StepDefinition.ErrorTolerance(2, ChildPolicy.Action.MARK_WARNING));
        assertThat(flaky.cache()).isEqualTo(new StepDefinition.CacheSpec("flaky-{base}", Duration.ofHours(1)));
        assertThat(flaky.maxChildren()).isEqualTo(10);
        assertThat(flaky.maxDepth()).isEqualTo(2);

        StepDefinition first = d.step("first");
        assertThat(first.onError()).isEqualTo(OnError.FAIL);
        assertThat(first.alwaysRun()).isFalse();
        assertThat(first.depends()).isEmpty();
        assertThat(d.step("last").alwaysRun()).isTrue();
    }

    @Test
    void defaultsWhenLeftOut() {
        JobDefinition d = defs.parse("min.yaml", "id: min\nsteps:\n  - name: only\n    action: noop\n");

        assertThat(d.enabled()).isTrue();
        assertThat(d.allowOverlap()).isFalse();
        assertThat(d.tags()).isEmpty();
        assertThat(d.config()).isEmpty();
        assertThat(d.timeout()).isNull();
        assertThat(d.schedule()).isNull();
        assertThat(d.steps().get(0).onError()).isEqualTo(OnError.FAIL);
    }

    @Test
    void theJsonFormRoundTrips() {
        JobDefinition d = defs.parse("demo.yaml", YAML);
        String json = DefinitionParser.toJson(d).toString();

        assertThat(defs.parse("demo.json", json)).isEqualTo(d);
        assertThat(DefinitionParser.toJson(d).path("steps").get(2).path("retry").path("backoff").asText()).isEqualTo("2s");
        assertThat(DefinitionParser.toJson(d).path("steps").get(2).path("error_tolerance").path("action").asText()).isEqualTo("mark_warning");
    }

    @Test
    void theStoredSpecReadsBackEqual() {
        ApplyResult r = defs.apply("demo.yaml", YAML);

        assertThat(DefinitionRunner.definition(r.definition())).isEqualTo(defs.parse("demo.yaml", YAML));
        assertThat(r.definition().format()).isEqualTo("yaml");
        assertThat(r.definition().source()).isEqualTo(YAML);
    }

    @Test
    void formatsByExtension() {
        assertThat(Format.ofFileName("a.YAML")).contains(Format.YAML);
        assertThat(Format.ofFileName("dir/a.yml")).contains(Format.YAML);
        assertThat(Format.ofFileName("a.toml")).contains(Format.TOML);
        assertThat(Format.ofFileName("a.json")).contains(Format.JSON);
        assertThat(Format.ofFileName("a.txt")).isEmpty();
        assertThat(problems("a.txt", "id: x")).containsExactly("a.txt: unsupported file type: name definition files *.yaml, *.yml or *.toml (or *.json)");
    }

    // ---- problems: one kind at a time -------------------------------------------------------------

    @Test
    void unknownActionListsTheKnownOnes() {
        assertThat(problems("x.yaml", "id: x\nsteps:\n  - {name: a, action: nope}\n"))
                .containsExactly("x.yaml: steps[0].action: unknown action 'nope' (known: crawl, fail, noop, sleep)");
    }

    @Test
    void unknownDependency() {
        assertThat(problems("x.yaml", "id: x\nsteps:\n  - {name: a, action: noop}\n  - {name: b, action: noop, depends: [a, zz]}\n"))
                .containsExactly("x.yaml: steps[1].depends[1]: unknown step 'zz' (steps: a, b)");
    }

    @Test
    void dependencyCycleIsNamed() {
        String text = """
                id: x
                steps:
                  - {name: start, action: noop}
                  - {name: a, action: noop, depends: [start, c]}
                  - {name: b, action: noop, depends: a}
                  - {name: c, action: noop, depends: b}
                  - {name: self, action: noop, depends: self}
                """;
        assertThat(problems("x.yaml", text)).containsExactly(
                "x.yaml: steps[1].depends: dependency cycle: a -> c -> b -> a",
                "x.yaml: steps[4].depends: dependency cycle: self -> self");
    }

    @Test
    void duplicateStepName() {
        assertThat(problems("x.yaml", "id: x\nsteps:\n  - {name: a, action: noop}\n  - {name: a, action: noop}\n"))
                .containsExactly("x.yaml: steps[1].name: duplicate step name 'a' (also steps[0])");
    }

    @Test
    void badDurations() {
        String text = """
                id: x
                timeout: soon
                steps:
                  - name: a
                    action: noop
                    timeout: 0s
                    retry: {backoff: 5 minutes}
                  - name: b
                    action: noop
                    cache: {key: k, ttl: 30}
                """;
        assertThat(problems("x.yaml", text)).containsExactly(
                "x.yaml: timeout: 'soon' is not a duration (use e.g. 500ms, 10s, 5m, 1h30m, 2d or PT10S)",
                "x.yaml: steps[0].retry.backoff: '5 minutes' is not a duration (use e.g. 500ms, 10s, 5m, 1h30m, 2d or PT10S)",
                "x.yaml: steps[0].timeout: must be longer than 0 (got '0s')",
                "x.yaml: steps[1].cache.ttl: must be a duration string such as \"30s\", \"5m\" or \"1h30m\" (got the number 30)");
    }

    @Test
    void badCron() {
        List<String> p = problems("x.yaml", "id: x\nschedule: \"61 * * * *\"\nsteps:\n  - {name: a, action: noop}\n");
        assertThat(p).hasSize(1);
        assertThat(p.get(0)).startsWith("x.yaml: schedule: '61 * * * *' is not a cron expression (5 fields: minute hour day month weekday)");
        assertThat(problems("x.yaml", "id: x\nschedule: \"every day\"\nsteps:\n  - {name: a, action: noop}\n"))
                .singleElement().asString().startsWith("x.yaml: schedule: 'every day' is not a cron expression");
    }

    @Test
    void missingRequiredConfigAsTheActionSaysAfterSubstitution() {
        String text = """
                id: x
                config: {pages: 20, words: "many"}
                steps:
                  - {name: nap, action: sleep}
                  - {name: crawl, action: crawl, config: {max_pages: "{pages}"}}
                  - {name: crawl2, action: crawl, config: {start_urls: [u], max_pages: "{words}"}}
                  - {name: ok, action: crawl, config: {start_urls: [u], max_pages: "{pages}"}}
                """;
        assertThat(problems("x.yaml", text)).containsExactly(
                "x.yaml: steps.nap.config.ms: sleep: payload field 'ms' must be a non-negative integer (milliseconds)",
                "x.yaml: steps.crawl.config.start_urls: required (a list of URLs)",
                "x.yaml: steps.crawl2.config.max_pages: must be a whole number");
    }

    @Test
    void undefinedVariable() {
        String text = """
                id: x
                config: {base: "http://h"}
                steps:
                  - name: crawl
                    action: crawl
                    config: {start_urls: ["{base}/", "{host}/a"], deep: {x: "{nope} and {nope}"}}
                    cache: {key: "k-{missing}", ttl: 1h}
                """;
        assertThat(problems("x.yaml", text)).containsExactly(
                "x.yaml: steps.crawl.config.start_urls[1]: undefined variable {host} (defined in config: base)",
                "x.yaml: steps.crawl.config.deep.x: undefined variable {nope} (defined in config: base)",
                "x.yaml: steps[0].cache.key: undefined variable {missing} (defined in config: base)");
    }

    @Test
    void badIds() {
        assertThat(problems("x.yaml", "id: \"has space\"\nsteps:\n  - {name: a, action: noop}\n"))
                .containsExactly("x.yaml: id: 'has space' is not a valid id: use 1-128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit");
        assertThat(problems("x.yaml", "name: n\nsteps:\n  - {name: a, action: noop}\n"))
                .containsExactly("x.yaml: id: required: the definition's id (use 1-128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit)");
        assertThat(problems("x.yaml", "id: 7\nsteps:\n  - {name: a, action: noop}\n"))
                .containsExactly("x.yaml: id: must be a string (got the number 7)");
        assertThat(problems("x.yaml", "id: ok.id:v1-2_x\nsteps:\n  - {name: a, action: noop}\n")).isEmpty();
        assertThat(problems("x.yaml", "id: x\nsteps:\n  - {name: \"-a\", action: noop}\n"))
                .containsExactly("x.yaml: steps[0].name: '-a' is not a valid step name: use 1-128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit");
    }

    @Test
    void noSteps() {
        assertThat(problems("x.yaml", "id: x\nsteps: []\n")).containsExactly("x.yaml: steps: a definition needs at least one step");
        assertThat(problems("x.yaml", "id: x\n")).containsExactly("x.yaml: steps: required: a list of steps (each with a name and an action)");
        assertThat(problems("x.toml", "id = \"x\"\nsteps = \"a\"\n")).containsExactly("x.toml: steps: must be a list of steps (got the string 'a')");
    }

    @Test
    void badEnumsAndValues() {
        String text = """
                id: x
                steps:
                  - name: a
                    action: 5
                    on_error: explode
                    error_tolerance: {max_child_failures: 0, action: panic}
                    max_children: -1
                    always_run: "yes"
                  - just a string
                """;
        assertThat(problems("x.yaml", text)).containsExactly(
                "x.yaml: steps[0].action: must be a string (got the number 5)",
                "x.yaml: steps[0].always_run: must be true or false (got the string 'yes')",
                "x.yaml: steps[0].on_error: 'explode' is not one of fail, continue, retry",
                "x.yaml: steps[0].error_tolerance.max_child_failures: must be a whole number >= 1 (got 0)",
                "x.yaml: steps[0].error_tolerance.action: 'panic' is not one of stop_all, continue, mark_warning",
                "x.yaml: steps[0].max_children: must be a whole number >= 0 (got -1)",
                "x.yaml: steps[1]: a step must be a mapping (name, action, ...), not the string 'just a string'");
    }

    @Test
    void retryNeedsOnErrorRetry() {
        String text = "id: x\nsteps:\n  - {name: a, action: noop, on_error: continue, retry: {max_attempts: 2}}\n";
        assertThat(problems("x.yaml", text)).containsExactly(
                "x.yaml: steps[0].retry: retry applies only with on_error: retry (this step has on_error: continue); remove retry or set on_error: retry");
        JobDefinition d = defs.parse("x.yaml", "id: x\nsteps:\n  - {name: a, action: noop, on_error: retry, retry: {max_attempts: 2}}\n");
        assertThat(d.steps().get(0).retry()).isEqualTo(new StepDefinition.RetrySpec(2, Duration.ofSeconds(1)));
    }

    @Test
    void aStepMayRequireCapabilities() {
        JobDefinition d = defs.parse("x.yaml", "id: x\nsteps:\n  - {name: a, action: noop, requires: {gpu: 1, class: io}}\n  - {name: b, action: noop}\n");
        assertThat(d.steps().get(0).requires()).isEqualTo(java.util.Map.of("gpu", "1", "class", "io"));
        assertThat(d.steps().get(1).requires()).isNull();
        assertThat(problems("x.yaml", "id: x\nsteps:\n  - {name: a, action: noop, requires: gpu}\n")).singleElement().asString()
                .contains("steps[0].requires").contains("a mapping of capability: value");
        assertThat(problems("x.yaml", "id: x\nsteps:\n  - {name: a, action: noop, requires: {GPU: 1}}\n")).singleElement().asString()
                .startsWith("x.yaml: steps[0].requires: key 'GPU'");
        assertThat(problems("x.yaml", "id: x\nsteps:\n  - {name: a, action: noop, requires: {gpu: [1]}}\n")).singleElement().asString()
                .contains("steps[0].requires.gpu");
    }

    @Test
    void timezoneIsAnIanaZoneKeptInTheSpec() {
        assertThat(problems("x.yaml", "id: x\nschedule: \"30 2 * * *\"\ntimezone: Europe/Berlin\nsteps:\n  - {name: a, action: noop}\n")).isEmpty();
        assertThat(problems("x.yaml", "id: x\nschedule: \"30 2 * * *\"\ntimezone: Europe/Atlantis\nsteps:\n  - {name: a, action: noop}\n"))
                .singleElement().asString().startsWith("x.yaml: timezone: 'Europe/Atlantis' is not a known time zone");
        assertThat(problems("x.yaml", "id: x\ntimezone: \" \"\nsteps:\n  - {name: a, action: noop}\n"))
                .singleElement().asString().startsWith("x.yaml: timezone: is empty");
        assertThat(problems("x.yaml", "id: \"schedule:x\"\nsteps:\n  - {name: a, action: noop}\n"))
                .singleElement().asString().contains("kept for recurring jobs");
        JobDefinition d = defs.parse("x.yaml", "id: x\nschedule: \"30 2 * * *\"\ntimezone: America/New_York\nsteps:\n  - {name: a, action: noop}\n");
        assertThat(d.timezone()).isEqualTo("America/New_York");
        assertThat(DefinitionParser.toJson(d).path("timezone").asText()).isEqualTo("America/New_York");
        assertThat(DefinitionRunner.definition(new StoredDefinition("x", "x", "yaml", "", DefinitionParser.toJson(d), true, d.schedule(), 1,
                java.time.Instant.EPOCH, java.time.Instant.EPOCH)).timezone()).as("the stored spec reads back with its zone").isEqualTo("America/New_York");
    }

    @Test
    void unknownFieldsAreNamedWithASuggestion() {
        String text = "id: x\nschedul: \"* * * * *\"\nsteps:\n  - {name: a, action: noop, dependz: [b], colour: red}\n";
        assertThat(problems("x.yaml", text)).containsExactly(
                "x.yaml: schedul: unknown field 'schedul' (did you mean 'schedule'?); allowed: id, name, description, schedule, timezone, timeout, enabled, tags, config, allow_overlap, webhook_url, steps",
                "x.yaml: steps[0].dependz: unknown field 'dependz' (did you mean 'depends'?); allowed: name, action, config, depends, always_run, on_error, retry, timeout, error_tolerance, cache, max_children, max_depth, requires",
                "x.yaml: steps[0].colour: unknown field 'colour'; allowed: name, action, config, depends, always_run, on_error, retry, timeout, error_tolerance, cache, max_children, max_depth, requires");
    }

    @Test
    void variableNamesMustBeReferable() {
        assertThat(problems("x.yaml", "id: x\nconfig: {base-url: u}\nsteps:\n  - {name: a, action: noop}\n")).containsExactly(
                "x.yaml: config.base-url: variable names are letters, digits and '_', not starting with a digit, so that {name} can refer to them");
    }

    @Test
    void syntaxErrorsSayWhere() {
        List<String> yaml = problems("x.yaml", "id: x\nsteps:\n  - name: a\n   action: noop\n");
        assertThat(yaml).singleElement().asString().startsWith("x.yaml: not valid YAML: line 4, column ");
        List<String> toml = problems("x.toml", "id = \"x\"\nsteps = [\n");
        assertThat(toml).singleElement().asString().startsWith("x.toml: not valid TOML: line ");
        assertThat(problems("x.yaml", "id: x\nid: y\nsteps: []\n")).singleElement().asString().contains("Duplicate field 'id'");
        assertThat(problems("x.yaml", "   \n")).containsExactly("x.yaml: the definition is empty");
        assertThat(problems("x.yaml", "- a\n- b\n")).containsExactly("x.yaml: a definition must be a mapping of fields (id, steps, ...), not a list");
    }

    @Test
    void everyProblemOfAFileIsReportedTogether() {
        String text = """
                id: "bad id"
                schedule: "nope"
                timeout: forever
                config: {base: "http://h"}
                steps:
                  - {name: a, action: teleport}
                  - {name: a, action: noop, depends: [ghost]}
                  - {name: c, action: sleep, config: {ms: "{delay}"}}
                """;
        List<Problem> p = defs.validate("bad.yaml", text);

        assertThat(p).extracting(Problem::field).containsExactly(
                "timeout", "id", "schedule", "steps[1].name", "steps[0].action", "steps[1].depends[0]", "steps.c.config.ms");
        assertThat(p).allSatisfy(pr -> assertThat(pr.file()).isEqualTo("bad.yaml"));
        assertThatThrownBy(() -> defs.apply("bad.yaml", text))
                .isInstanceOfSatisfying(DefinitionException.class, e -> {
                    assertThat(e.problems()).isEqualTo(p);
                    assertThat(e.code()).isEqualTo("invalid_definition");
                    assertThat(e.getMessage()).startsWith("job definition bad.yaml is invalid (7 problems); nothing was stored:")
                            .contains("\n  bad.yaml: steps[1].depends[0]: unknown step 'ghost' (steps: a, c)");
                });
    }

    @Test
    void mangledTextNeverThrowsOnlyReportsProblems() {
        java.util.Random random = new java.util.Random(42);
        String junk = "{}[]:,-\"'#\n =.{x}*";
        for (String base : List.of(YAML, TOML, DefinitionParser.toJson(defs.parse("demo.yaml", YAML)).toString())) {
            String file = base == YAML ? "m.yaml" : base == TOML ? "m.toml" : "m.json";
            for (int i = 0; i < 300; i++) {
                StringBuilder b = new StringBuilder(base);
                for (int k = random.nextInt(4) + 1; k > 0; k--) {
                    int at = random.nextInt(b.length());
                    switch (random.nextInt(3)) {
                        case 0 -> b.deleteCharAt(at);
                        case 1 -> b.insert(at, junk.charAt(random.nextInt(junk.length())));
                        default -> b.setCharAt(at, junk.charAt(random.nextInt(junk.length())));
                    }
                }
                String text = b.toString();
                Definitions.Checked c = defs.check(file, text);
                assertThat(c.valid() || !c.problems().isEmpty()).isTrue();
                if (c.valid()) assertThat(c.definition()).isNotNull();
            }
        }
    }

    // ---- storing ------------------------------------------------------------------------------------

    @Test
    void anInvalidDefinitionStoresNothing() {
        assertThatThrownBy(() -> defs.apply("x.yaml", "id: x\nsteps:\n  - {name: a, action: nope}\n")).isInstanceOf(DefinitionException.class);
        assertThat(defs.get("x")).isEmpty();
        assertThat(defs.list()).isEmpty();

        defs.apply("x.yaml", "id: x\nsteps:\n  - {name: a, action: noop}\n");
        assertThatThrownBy(() -> defs.apply("x.yaml", "id: x\nsteps:\n  - {name: a, action: noop, depends: b}\n"))
                .isInstanceOf(DefinitionException.class);
        StoredDefinition kept = defs.require("x");
        assertThat(kept.version()).isEqualTo(1);
        assertThat(kept.source()).doesNotContain("depends");
    }

    @Test
    void applyCreatesUpdatesAndSkipsUnchanged() {
        String v1 = "id: x\nsteps:\n  - {name: a, action: noop}\n";
        String v2 = "id: x\nsteps:\n  - {name: a, action: noop}\n  - {name: b, action: noop, depends: a}\n";

        ApplyResult created = defs.apply("x.yaml", v1);
        ApplyResult again = defs.apply("x.yaml", v1);
        ApplyResult updated = defs.apply("x.yaml", v2);
        ApplyResult asToml = defs.apply("x.toml", "id = \"x\"\n[[steps]]\nname = \"a\"\naction = \"noop\"\n");

        assertThat(created.change()).isEqualTo(ApplyResult.Change.CREATED);
        assertThat(created.definition().version()).isEqualTo(1);
        assertThat(again.change()).isEqualTo(ApplyResult.Change.UNCHANGED);
        assertThat(again.definition().version()).isEqualTo(1);
        assertThat(updated.change()).isEqualTo(ApplyResult.Change.UPDATED);
        assertThat(updated.definition().version()).isEqualTo(2);
        assertThat(asToml.change()).isEqualTo(ApplyResult.Change.UPDATED);
        assertThat(asToml.definition().format()).isEqualTo("toml");
        assertThat(defs.require("x").version()).isEqualTo(3);
    }

    @Test
    void createRefusesAnExistingIdAndReplaceChecksTheId() {
        String v1 = "id: x\nsteps:\n  - {name: a, action: noop}\n";
        defs.create("x.yaml", Format.YAML, v1);

        assertThatThrownBy(() -> defs.create("x.yaml", Format.YAML, v1)).isInstanceOfSatisfying(DefinitionExistsException.class, e -> {
            assertThat(e.id()).isEqualTo("x");
            assertThat(e.code()).isEqualTo("conflict");
        });
        assertThatThrownBy(() -> defs.replace("y", "x.yaml", Format.YAML, v1)).isInstanceOfSatisfying(DefinitionException.class,
                e -> assertThat(e.problems()).extracting(Problem::toString)
                        .containsExactly("x.yaml: id: is 'x' but this request is for definition 'y'"));
        assertThat(defs.get("y")).isEmpty();
    }
}
