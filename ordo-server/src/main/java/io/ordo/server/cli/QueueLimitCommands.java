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

/** {@code ordo queues set} and {@code ordo queues limits}: the cluster-wide limits of queues and job types. */
final class QueueLimitCommands {
    private QueueLimitCommands() {
    }

    /** {@code ordo queues set NAME [--type] [--capacity N|none] [--max-running N|none] [--rate N/DUR|none] [--clear]}. */
    @Command(name = "set", usageHelpAutoWidth = true,
            description = {"Store cluster-wide limits of a queue (or, with --type, of a job type); every node applies them within about a second.",
                    "Options left out keep their value; 'none' clears one; --clear clears them all."})
    static final class Set implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "NAME", description = "Queue name (a job type with --type)")
        String name;

        @Option(names = "--type", description = "NAME is a job type: the limits count its jobs in every queue")
        boolean type;

        @Option(names = "--capacity", paramLabel = "N|none", description = "Jobs waiting (pending + scheduled) at most; a submit beyond it is refused")
        String capacity;

        @Option(names = "--max-running", paramLabel = "N|none", description = "Jobs running at most, across every node")
        String maxRunning;

        @Option(names = "--rate", paramLabel = "N/DUR|none", description = "Jobs started at most per fixed window, e.g. 100/1m or 5/10s")
        String rate;

        @Option(names = "--clear", description = "Remove every limit of NAME")
        boolean clear;

        @Option(names = "--json", description = "Print the server's answer as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        Set(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String n = name.trim();
            if (n.isEmpty() || n.contains("/")) throw CliException.usage("'" + name + "' is not a " + (type ? "job type" : "queue") + " name");
            boolean any = capacity != null || maxRunning != null || rate != null;
            if (clear && any) throw CliException.usage("--clear removes every limit: give it alone, or use 'none' to clear one");
            if (!clear && !any) throw CliException.usage("nothing to set: give --capacity, --max-running, --rate or --clear");
            String path = "/api/" + (type ? "types/" : "queues/") + JobsCommand.encodeSegment(n) + "/settings";
            JsonNode r;
            try (ApiClient api = server.client(ctx)) {
                if (clear) {
                    r = api.delete(path);
                } else {
                    ObjectNode body = JsonNodeFactory.instance.objectNode();
                    count(body, "capacity", "--capacity", capacity);
                    count(body, "max_running", "--max-running", maxRunning);
                    if (rate != null) {
                        if (rate.trim().equalsIgnoreCase("none")) body.putNull("rate");
                        else body.put("rate", rate.trim());
                    }
                    r = api.put(path, body);
                }
            }
            ctx.out().println(json ? ApiJson.write(r) : (type ? "type " : "queue ") + n + ": " + describe(r));
            return Main.OK;
        }

        private static void count(ObjectNode body, String field, String option, String value) {
            if (value == null) return;
            String v = value.trim();
            if (v.equalsIgnoreCase("none")) {
                body.putNull(field);
                return;
            }
            try {
                body.put(field, Integer.parseInt(v));
            } catch (NumberFormatException e) {
                throw CliException.usage(option + " must be a whole number of at least 1, or 'none' to clear it (got '" + value + "')");
            }
        }
    }

    /** {@code ordo queues limits [--json]}: every stored limit. */
    @Command(name = "limits", usageHelpAutoWidth = true, description = "List the cluster-wide limits stored for queues and job types.")
    static final class ListLimits implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--json", description = "Print {limits: [...]} as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        ListLimits(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            JsonNode r;
            try (ApiClient api = server.client(ctx)) {
                r = api.get("/api/limits");
            }
            if (json) {
                ctx.out().println(ApiJson.pretty(r));
                return Main.OK;
            }
            Table t = new Table("SCOPE", "NAME", ">CAPACITY", ">MAX_RUNNING", "RATE", ">USED_IN_WINDOW");
            for (JsonNode l : r.path("limits")) {
                t.row(l.path("scope").asText(), l.path("name").asText(), number(l, "capacity"), number(l, "max_running"),
                        l.path("rate").isTextual() ? l.path("rate").asText() : null, number(l, "rate_window_used"));
            }
            if (t.size() == 0) ctx.out().println("no limits stored");
            else ctx.out().print(t.render());
            return Main.OK;
        }

        private static Long number(JsonNode n, String field) {
            return n.path(field).isNumber() ? n.path(field).asLong() : null;
        }
    }

    /** "capacity 100, max_running 3, rate 50/1m", or "no limits"; also the compact column of {@code ordo queues list}. */
    static String describe(JsonNode s) {
        StringBuilder b = new StringBuilder();
        if (s.path("capacity").isNumber()) b.append("capacity ").append(s.path("capacity").asLong());
        if (s.path("max_running").isNumber()) b.append(b.isEmpty() ? "" : ", ").append("max_running ").append(s.path("max_running").asLong());
        if (s.path("rate").isTextual()) b.append(b.isEmpty() ? "" : ", ").append("rate ").append(s.path("rate").asText());
        return b.isEmpty() ? "no limits" : b.toString();
    }

    /** The compact column: "cap=100 run=3 rate=50/1m". */
    static String compact(JsonNode s) {
        if (s == null || s.isMissingNode() || s.isNull()) return null;
        StringBuilder b = new StringBuilder();
        if (s.path("capacity").isNumber()) b.append("cap=").append(s.path("capacity").asLong());
        if (s.path("max_running").isNumber()) b.append(b.isEmpty() ? "" : " ").append("run=").append(s.path("max_running").asLong());
        if (s.path("rate").isTextual()) b.append(b.isEmpty() ? "" : " ").append("rate=").append(s.path("rate").asText());
        return b.isEmpty() ? null : b.toString();
    }
}
