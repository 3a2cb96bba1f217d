package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

/** {@code ordo jobs …}: list, inspect and change jobs. */
@Command(name = "jobs", usageHelpAutoWidth = true, description = "List, inspect and change jobs.",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Show.class, JobLogsCommand.class, JobResultsCommand.class, JobActionsCommand.Cancel.class,
                JobActionsCommand.Restart.class, JobActionsCommand.Delete.class, JobActionsCommand.Bulk.class})
final class JobsCommand implements Callable<Integer> {
    static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

    private final CliContext ctx;

    JobsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        throw CliException.usage("missing subcommand: list, show, logs, results, cancel, restart, delete or bulk (see 'ordo jobs --help')");
    }

    /** The id as typed, trimmed, or a usage error: caught here rather than sent to the server as a path. */
    static String checkId(String id) {
        String trimmed = id == null ? "" : id.trim();
        if (!UUID_TEXT.matcher(trimmed).matches()) throw CliException.usage("'" + id + "' is not a job id (a UUID)");
        return trimmed;
    }

    /** For a query parameter value. */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** For a path segment: form encoding's '+' for a space would reach the server as a '+'. */
    static String encodeSegment(String s) {
        return encode(s).replace("+", "%20");
    }

    /** {@code ordo jobs show ID [--json]}. */
    @Command(name = "show", usageHelpAutoWidth = true, description = "Show a job: status, attempt, error, timestamps.")
    static final class Show implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "ID", description = "Job id")
        String id;

        @Option(names = "--json", description = "Print the job object as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        Show(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String trimmed = checkId(id);
            try (ApiClient api = server.client(ctx)) {
                JsonNode job = api.get("/api/jobs/" + trimmed);
                ctx.out().print(json ? ApiJson.pretty(job) + System.lineSeparator() : JobText.show(job));
                return Main.OK;
            }
        }
    }

    /** {@code ordo jobs list [--status S] [--queue Q] [--type T] [--parent ID] [--root ID] [--limit N] [--cursor C | --all] [--json]}. */
    @Command(name = "list", sortOptions = false, usageHelpAutoWidth = true, description = "List jobs, newest first.")
    static final class ListJobs implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--status", paramLabel = "S", split = ",", description = "Only these statuses (repeatable or comma-separated)")
        List<String> statuses = new ArrayList<>();

        @Option(names = "--queue", paramLabel = "Q", description = "Only this queue")
        String queue;

        @Option(names = "--type", paramLabel = "T", description = "Only this job type")
        String type;

        @Option(names = "--parent", paramLabel = "ID", description = "Only the direct children of this job")
        String parent;

        @Option(names = "--root", paramLabel = "ID", description = "Only the jobs of this job's tree")
        String root;

        @Option(names = "--limit", paramLabel = "N", description = "Jobs per page, 1-1000 (default: 50)")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "C", description = "Start after the page that printed this cursor")
        String cursor;

        @Option(names = "--all", description = "Follow the pages to the end")
        boolean all;

        @Option(names = "--json", description = "Print {jobs, next_cursor} as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        ListJobs(CliContext ctx) {
            this.ctx = ctx;
        }

        String query() {
            StringBuilder q = new StringBuilder();
            statuses.stream().map(String::trim).filter(s -> !s.isEmpty()).forEach(s -> q.append("&status=").append(encode(s)));
            if (queue != null) q.append("&queue=").append(encode(queue));
            if (type != null) q.append("&type=").append(encode(type));
            if (parent != null) q.append("&parent_id=").append(checkId(parent));
            if (root != null) q.append("&root_id=").append(checkId(root));
            if (limit != null) q.append("&limit=").append(limit);
            return q.toString();
        }

        @Override
        public Integer call() {
            if (all && cursor != null) throw CliException.usage("give --cursor or --all, not both");
            String query = query();
            ArrayNode jobs = JsonNodeFactory.instance.arrayNode();
            String next = cursor;
            try (ApiClient api = server.client(ctx)) {
                do {
                    String q = query + (next == null ? "" : "&cursor=" + encode(next));
                    JsonNode page = api.get("/api/jobs" + (q.isEmpty() ? "" : "?" + q.substring(1)));
                    jobs.addAll((ArrayNode) page.path("jobs"));
                    next = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
                } while (all && next != null);
            }
            if (json) {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                o.set("jobs", jobs);
                o.put("next_cursor", next);
                ctx.out().println(ApiJson.pretty(o));
                return Main.OK;
            }
            Table t = new Table("ID", "TYPE", "QUEUE", "STATUS", ">ATTEMPT", "CREATED", "ERROR");
            for (JsonNode j : jobs) {
                t.row(j.path("id").asText(), j.path("type").asText(), j.path("queue").asText(), j.path("status").asText(),
                        j.path("attempt").asInt() + "/" + j.path("max_attempts").asInt(), j.path("created_at").asText(),
                        j.path("error").isTextual() ? oneLine(j.path("error").asText()) : null);
            }
            if (t.size() == 0) ctx.out().println("no jobs");
            else ctx.out().print(t.render());
            if (next != null) ctx.err().println("more: add --cursor " + next + " (or --all)");
            return Main.OK;
        }

        private static String oneLine(String s) {
            String line = s.replaceAll("\\s+", " ").trim();
            return line.length() > 60 ? line.substring(0, 57) + "..." : line;
        }
    }
}
