package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code ordo schedules create|list|pause|resume|delete|run}: recurring plain jobs. */
@Command(name = "schedules", usageHelpAutoWidth = true, description = "Recurring jobs: a job of a type submitted on each tick of a cron expression.",
        subcommands = {SchedulesCommand.Create.class, SchedulesCommand.ListSchedules.class, SchedulesCommand.Pause.class,
                SchedulesCommand.Resume.class, SchedulesCommand.Delete.class, SchedulesCommand.Run.class})
final class SchedulesCommand implements Callable<Integer> {
    SchedulesCommand(CliContext ctx) {
    }

    @Override
    public Integer call() {
        throw CliException.usage("missing subcommand: create, list, pause, resume, delete or run (see 'ordo schedules --help')");
    }

    /** {@code ordo schedules create ID --cron EXPR --type T [--payload JSON] [--queue Q] [--priority N] [--tz ZONE] [--missed P]}. */
    @Command(name = "create", usageHelpAutoWidth = true,
            description = {"Create (or replace) a schedule: on each tick of --cron, read in --tz, a job of --type is submitted.",
                    "A replace starts ticking afresh: ticks before it never run."})
    static final class Create implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "ID", description = "Schedule id (letters, digits, '_', '.', ':' or '-')")
        String id;

        @Option(names = "--cron", required = true, paramLabel = "EXPR",
                description = "5 fields (minute hour day month weekday), or 6 with seconds first, e.g. '0 3 * * *'")
        String cron;

        @Option(names = "--type", required = true, paramLabel = "T", description = "Job type each tick submits")
        String type;

        @Option(names = "--payload", paramLabel = "JSON", description = "Payload as a JSON object, or @FILE (default: {})")
        String payload;

        @Option(names = "--queue", paramLabel = "Q", description = "Queue (default: default)")
        String queue;

        @Option(names = "--priority", paramLabel = "N", description = "Priority of the jobs (lower runs first)")
        Integer priority;

        @Option(names = "--tz", paramLabel = "ZONE", description = "IANA time zone the cron is read in, e.g. Europe/Berlin (default: UTC)")
        String tz;

        @Option(names = "--missed", paramLabel = "run_once|skip",
                description = "A tick missed while every node was down: run_once (default) runs the newest once, skip runs none")
        String missed;

        @Option(names = "--json", description = "Print the server's answer as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        Create(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("id", id);
            body.put("type", type);
            body.put("cron", cron);
            if (payload != null) {
                JsonNode p = SubmitCommand.parsePayload(payload);
                if (!p.isObject()) throw CliException.usage("--payload must be a JSON object (got " + p.getNodeType().name().toLowerCase() + ")");
                body.set("payload", p);
            }
            if (queue != null) body.put("queue", queue);
            if (priority != null) body.put("priority", priority);
            if (tz != null) body.put("timezone", tz);
            if (missed != null) body.put("missed", missed);
            JsonNode r;
            try (ApiClient api = server.client(ctx)) {
                r = api.post("/api/schedules", body);
            }
            ctx.out().println(json ? ApiJson.write(r) : "schedule " + r.path("id").asText() + ": " + describe(r));
            return Main.OK;
        }
    }

    /** {@code ordo schedules list [--json]}. */
    @Command(name = "list", usageHelpAutoWidth = true, description = "Every schedule: its cron and zone, its job, the next and last run.")
    static final class ListSchedules implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--json", description = "Print {schedules: [...]} as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        ListSchedules(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            JsonNode r;
            try (ApiClient api = server.client(ctx)) {
                r = api.get("/api/schedules");
            }
            if (json) {
                ctx.out().println(ApiJson.pretty(r));
                return Main.OK;
            }
            if (r.path("schedules").isEmpty()) {
                ctx.out().println("no schedules");
                return Main.OK;
            }
            Table t = new Table("ID", "CRON", "ZONE", "TYPE", "QUEUE", "STATE", "NEXT RUN", "LAST RUN");
            for (JsonNode s : r.path("schedules")) {
                t.row(s.path("id").asText(), s.path("cron").asText(), s.path("timezone").asText(), s.path("type").asText(),
                        s.path("queue").asText(), s.path("paused").asBoolean() ? "paused" : "active",
                        s.path("next_run_at").asText("-"), s.path("last_run_at").asText("-"));
            }
            ctx.out().print(t.render());
            return Main.OK;
        }
    }

    /** One schedule, one verb: the shape of pause, resume, delete and run. */
    abstract static class OnOne implements Callable<Integer> {
        final CliContext ctx;

        @Parameters(index = "0", paramLabel = "ID", description = "Schedule id")
        String id;

        @Option(names = "--json", description = "Print the server's answer as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        OnOne(CliContext ctx) {
            this.ctx = ctx;
        }

        abstract JsonNode send(ApiClient api, String path);

        abstract String line(JsonNode r);

        @Override
        public Integer call() {
            String i = id.trim();
            if (i.isEmpty() || i.contains("/")) throw CliException.usage("'" + id + "' is not a schedule id");
            JsonNode r;
            try (ApiClient api = server.client(ctx)) {
                r = send(api, "/api/schedules/" + JobsCommand.encodeSegment(i));
            }
            ctx.out().println(json ? ApiJson.write(r) : line(r));
            return Main.OK;
        }
    }

    @Command(name = "pause", usageHelpAutoWidth = true, description = "Stop a schedule ticking (its jobs already submitted are not touched).")
    static final class Pause extends OnOne {
        Pause(CliContext ctx) {
            super(ctx);
        }

        JsonNode send(ApiClient api, String path) {
            return api.post(path + "/pause");
        }

        String line(JsonNode r) {
            return "schedule " + r.path("id").asText() + " paused";
        }
    }

    @Command(name = "resume", usageHelpAutoWidth = true, description = "Tick again from now on; ticks that fell while paused do not run.")
    static final class Resume extends OnOne {
        Resume(CliContext ctx) {
            super(ctx);
        }

        JsonNode send(ApiClient api, String path) {
            return api.post(path + "/resume");
        }

        String line(JsonNode r) {
            return "schedule " + r.path("id").asText() + " resumed; next run " + r.path("next_run_at").asText("-");
        }
    }

    @Command(name = "delete", usageHelpAutoWidth = true, description = "Delete a schedule; the jobs it started are kept.")
    static final class Delete extends OnOne {
        Delete(CliContext ctx) {
            super(ctx);
        }

        JsonNode send(ApiClient api, String path) {
            return api.delete(path);
        }

        String line(JsonNode r) {
            return "schedule " + r.path("id").asText() + " deleted";
        }
    }

    @Command(name = "run", usageHelpAutoWidth = true, description = "Submit the schedule's job now, outside its ticks (also while paused).")
    static final class Run extends OnOne {
        Run(CliContext ctx) {
            super(ctx);
        }

        JsonNode send(ApiClient api, String path) {
            return api.post(path + "/run");
        }

        String line(JsonNode r) {
            return "job " + r.path("id").asText() + " submitted (" + r.path("type").asText() + " on " + r.path("queue").asText() + ")";
        }
    }

    static String describe(JsonNode s) {
        return "'" + s.path("cron").asText() + "' in " + s.path("timezone").asText() + ", " + s.path("type").asText() + " on "
                + s.path("queue").asText() + ", missed: " + s.path("missed").asText()
                + (s.path("paused").asBoolean() ? ", paused" : "; next run " + s.path("next_run_at").asText("-"));
    }
}
