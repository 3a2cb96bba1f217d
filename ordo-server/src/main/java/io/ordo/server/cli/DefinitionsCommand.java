package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.OrdoConfig;
import io.ordo.core.definition.DefinitionParser;
import io.ordo.core.definition.Definitions;
import io.ordo.core.definition.Problem;
import io.ordo.core.engine.HandlerRegistry;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.JobStoreProvider;
import io.ordo.server.ServerOptions;
import io.ordo.server.api.ApiJson;
import io.ordo.server.api.DefinitionJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code ordo definitions …}: validate, apply, list and run job definitions. */
@Command(name = "definitions", usageHelpAutoWidth = true, description = "Validate, apply, list and run job definitions.",
        subcommands = {DefinitionsCommand.Validate.class, DefinitionsCommand.Apply.class, DefinitionsCommand.ListDefinitions.class,
                DefinitionsCommand.Run.class})
final class DefinitionsCommand implements Callable<Integer> {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

    private final CliContext ctx;

    DefinitionsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        throw CliException.usage("missing subcommand: validate, apply, list or run (see 'ordo definitions --help')");
    }

    /** The request body for a file: {@code {file, source}} (the server takes the format from the extension). */
    static ObjectNode fileBody(Path file) {
        if (DefinitionParser.Format.ofFileName(file.getFileName().toString()).isEmpty()) {
            throw CliException.usage(file + ": not a definition file (name it *.yaml, *.yml, *.toml or *.json)");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("file", file.toString());
        body.put("source", read(file));
        return body;
    }

    static String read(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw CliException.usage("cannot read " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw CliException.usage("cannot read " + file + ": not UTF-8 text");
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }

    /** {@code file: field: message} lines of an API problem list. */
    static List<String> problemLines(JsonNode problems) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : problems) {
            out.add(new Problem(p.path("file").isTextual() ? p.path("file").asText() : null,
                    p.path("field").isTextual() ? p.path("field").asText() : null, p.path("message").asText("?")).toString());
        }
        return out;
    }

    static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    // ---- validate ---------------------------------------------------------------------------------

    /** {@code ordo definitions validate FILE [--local] [--json]}. */
    @Command(name = "validate", usageHelpAutoWidth = true,
            description = {"Check a definition file without storing it: against the server's actions, or this CLI's own with --local.",
                    "Prints 'FILE: valid …' (exit 0), or each problem as 'file: field: message' (exit 1)."})
    static final class Validate implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "FILE", description = "Definition file (*.yaml, *.yml, *.toml, *.json)")
        Path file;

        @Option(names = "--local", description = "Validate here, with the actions built into this CLI, without a server")
        boolean local;

        @Option(names = "--json", description = "Print {valid, problems, definition} as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        Validate(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ObjectNode body = fileBody(file);
            JsonNode answer = local ? local(body) : remote(body);
            if (json) {
                ctx.out().println(ApiJson.pretty(answer));
            } else if (answer.path("valid").asBoolean()) {
                JsonNode def = answer.path("definition");
                ctx.out().println(file + ": valid (definition '" + def.path("id").asText() + "', " + plural(def.path("steps").size(), "step") + ")");
            } else {
                problemLines(answer.path("problems")).forEach(ctx.out()::println);
            }
            if (!answer.path("valid").asBoolean()) {
                ctx.err().println("ordo: " + file + " is invalid (" + plural(answer.path("problems").size(), "problem") + ")");
                return Main.FAILED;
            }
            return Main.OK;
        }

        private JsonNode remote(ObjectNode body) {
            try (ApiClient api = server.client(ctx)) {
                return api.post("/api/jobs/definitions/validate", body);
            }
        }

        /** Validates with the actions a server built from this CLI would have, without starting a node. */
        private static JsonNode local(ObjectNode body) {
            OrdoConfig config = new ServerOptions().storeUrl("memory:").port(0).resolve(Map.of()).toOrdoConfig();
            try (JobStore store = JobStoreProvider.openUrl("memory:", Map.of())) {
                var actions = new HandlerRegistry(config.handlers(), config.actions(), config.builtinHandlers(), store).actions();
                Definitions defs = new Definitions(store, null, actions, Clock.systemUTC());
                Definitions.Checked c = defs.check(body.path("file").asText(), body.path("source").asText());
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                o.put("valid", c.valid());
                o.set("problems", DefinitionJson.problems(c.problems()));
                o.set("definition", c.valid() ? DefinitionParser.toJson(c.definition()) : JsonNodeFactory.instance.nullNode());
                return o;
            }
        }
    }

    // ---- apply ------------------------------------------------------------------------------------

    /** {@code ordo definitions apply FILE [--json]}. */
    @Command(name = "apply", usageHelpAutoWidth = true,
            description = {"Create or update the definition in FILE on the server (by its id).",
                    "Prints 'ID version N (created|updated|unchanged)'. An invalid file stores nothing: its problems are printed, exit 1."})
    static final class Apply implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "FILE", description = "Definition file (*.yaml, *.yml, *.toml, *.json)")
        Path file;

        @Option(names = "--json", description = "Print the stored definition as JSON (with 'change')")
        boolean json;

        @Mixin
        ServerOption server;

        Apply(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ObjectNode body = fileBody(file);
            JsonNode answer;
            try (ApiClient api = server.client(ctx)) {
                try {
                    answer = api.post("/api/jobs/definitions", body);
                } catch (ApiClient.ApiException e) {
                    if (e.status() != 409 || !e.details().path("id").isTextual()) throw e;
                    // exists already: replace it
                    answer = api.put("/api/jobs/definitions/" + e.details().path("id").asText(), body);
                }
            } catch (ApiClient.ApiException e) {
                if (e.status() != 422) throw e;
                problemLines(e.details().path("problems")).forEach(ctx.err()::println);
                throw CliException.failed(file + " is invalid (" + plural(e.details().path("problems").size(), "problem") + "); nothing was stored");
            }
            if (json) ctx.out().println(ApiJson.pretty(answer));
            else ctx.out().println(answer.path("id").asText() + " version " + answer.path("version").asInt() + " (" + answer.path("change").asText() + ")");
            return Main.OK;
        }
    }

    // ---- list -------------------------------------------------------------------------------------

    /** {@code ordo definitions list [--json]}. */
    @Command(name = "list", usageHelpAutoWidth = true, description = "List the stored definitions: ID, VERSION, ENABLED, SCHEDULE, STEPS, NAME.")
    static final class ListDefinitions implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--json", description = "Print the definitions as a JSON array")
        boolean json;

        @Mixin
        ServerOption server;

        ListDefinitions(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            JsonNode all;
            try (ApiClient api = server.client(ctx)) {
                all = api.get("/api/jobs/definitions").path("definitions");
            }
            if (json) {
                ctx.out().println(ApiJson.pretty(all));
                return Main.OK;
            }
            if (all.isEmpty()) {
                ctx.out().println("no job definitions");
                return Main.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            rows.add(List.of("ID", "VERSION", "ENABLED", "SCHEDULE", "STEPS", "NAME"));
            for (JsonNode d : all) {
                rows.add(List.of(d.path("id").asText(), d.path("version").asText(), d.path("enabled").asBoolean() ? "yes" : "no",
                        d.path("schedule").isTextual() ? d.path("schedule").asText() : "-", Integer.toString(d.path("steps").size()),
                        d.path("name").isTextual() ? d.path("name").asText() : ""));
            }
            ctx.out().print(table(rows));
            return Main.OK;
        }

        static String table(List<List<String>> rows) {
            int cols = rows.get(0).size();
            int[] width = new int[cols];
            for (List<String> r : rows) for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r.get(i).length());
            StringBuilder b = new StringBuilder();
            for (List<String> r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < cols; i++) {
                    if (i > 0) line.append("  ");
                    line.append(i == cols - 1 ? r.get(i) : String.format("%-" + width[i] + "s", r.get(i)));
                }
                b.append(line.toString().stripTrailing()).append(System.lineSeparator());
            }
            return b.toString();
        }
    }

    // ---- run --------------------------------------------------------------------------------------

    /** {@code ordo definitions run ID [--wait] [--json]}. */
    @Command(name = "run", sortOptions = false, usageHelpAutoWidth = true,
            description = {"Start a run of a stored definition now and print the run's job id.",
                    "With --wait, show a live progress bar of the run's jobs on stderr, then a summary by status;",
                    "exit 0 only if the run completed."})
    static final class Run implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "ID", description = "Definition id")
        String id;

        @Option(names = "--wait", description = "Follow the run to its end; exit non-zero unless it completed")
        boolean await;

        @Option(names = "--json", description = "Print JSON: the execute answer, or with --wait the final run {job_id, status, counts, steps, …}")
        boolean json;

        @Option(names = "--progress", paramLabel = "MODE",
                description = "With --wait: 'bar' redraws one line (\\r), 'lines' prints a line as counts change, 'none'; default 'auto' (bar on a terminal)")
        String progress = "auto";

        @Option(names = "--poll-interval", paramLabel = "DUR", hidden = true, description = "How often --wait polls (default: 200ms)")
        String pollInterval = "200ms";

        @Option(names = "--lines-interval", paramLabel = "DUR", hidden = true, description = "Least time between progress lines (default: 1s)")
        String linesInterval = "1s";

        @Mixin
        ServerOption server;

        Run(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String trimmed = id.trim();
            if (!ID.matcher(trimmed).matches()) {
                throw CliException.usage("'" + id + "' is not a definition id (letters, digits, '_', '.', ':' or '-')");
            }
            RunFollower.Mode mode = RunFollower.Mode.parse(progress);
            Duration poll = SubmitCommand.duration("--poll-interval", pollInterval);
            if (poll.toMillis() < 10) throw CliException.usage("--poll-interval must be at least 10ms");
            Duration lines = SubmitCommand.duration("--lines-interval", linesInterval);
            try (ApiClient api = server.client(ctx)) {
                JsonNode accepted = api.post("/api/jobs/definitions/" + trimmed + "/execute");
                String runId = accepted.path("job_id").asText();
                if (!await) {
                    ctx.out().println(json ? ApiJson.pretty(accepted) : runId);
                    return Main.OK;
                }
                if (!json) {
                    ctx.out().println(runId);
                    ctx.out().flush();
                }
                RunFollower follower = new RunFollower(api, ctx.err(), poll, lines, mode == RunFollower.Mode.AUTO
                        ? (Terminal.interactive(ctx.env()) ? RunFollower.Mode.BAR : RunFollower.Mode.LINES) : mode,
                        api.token());
                JsonNode run = follower.follow(runId);
                JsonNode summary = follower.summary(run);
                if (json) ctx.out().println(ApiJson.pretty(summary));
                else ctx.out().print(RunFollower.summaryText(summary));
                return summary.path("status").asText().equals("completed") ? Main.OK : Main.FAILED;
            }
        }
    }
}
