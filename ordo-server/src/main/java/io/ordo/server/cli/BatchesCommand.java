package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ordo batches list|show}: batches submitted with callbacks or a name. */
@Command(name = "batches", usageHelpAutoWidth = true, description = "Show batches: status, counts of their jobs, progress, callbacks.",
        subcommands = {BatchesCommand.ListBatches.class, BatchesCommand.Show.class})
final class BatchesCommand implements Callable<Integer> {
    BatchesCommand(CliContext ctx) {
    }

    @Override
    public Integer call() {
        throw CliException.usage("missing subcommand: list or show (see 'ordo batches --help')");
    }

    static String percent(JsonNode b) {
        return String.format(Locale.ROOT, "%.0f%%", b.path("progress").asDouble() * 100);
    }

    /** {@code ordo batches show ID [--json]}. */
    @Command(name = "show", usageHelpAutoWidth = true, description = "Show a batch: status, progress, its jobs by status, callback jobs.")
    static final class Show implements Callable<Integer> {
        private final CliContext ctx;

        @Parameters(index = "0", paramLabel = "ID", description = "Batch id")
        String id;

        @Option(names = "--json", description = "Print the batch object as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        Show(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            String trimmed = id == null ? "" : id.trim();
            if (!JobsCommand.UUID_TEXT.matcher(trimmed).matches()) throw CliException.usage("'" + id + "' is not a batch id (a UUID)");
            JsonNode b;
            try (ApiClient api = server.client(ctx)) {
                b = api.get("/api/batches/" + trimmed);
            }
            if (json) {
                ctx.out().println(ApiJson.pretty(b));
                return Main.OK;
            }
            StringBuilder s = new StringBuilder();
            String nl = System.lineSeparator();
            s.append("batch     ").append(b.path("batch_id").asText()).append(nl);
            if (b.path("name").isTextual()) s.append("name      ").append(b.path("name").asText()).append(nl);
            s.append("status    ").append(b.path("status").asText()).append(nl);
            s.append("progress  ").append(b.path("done").asLong()).append('/').append(b.path("total").asLong())
                    .append(" (").append(percent(b)).append(')').append(nl);
            JsonNode c = b.path("counts");
            s.append("jobs      ");
            boolean first = true;
            for (var e : c.properties()) {
                if (e.getKey().equals("total") || e.getValue().asLong() == 0) continue;
                if (!first) s.append(", ");
                s.append(e.getValue().asLong()).append(' ').append(e.getKey());
                first = false;
            }
            if (first) s.append("none");
            s.append(nl);
            s.append("created   ").append(b.path("created_at").asText()).append(nl);
            if (b.path("finished_at").isTextual()) s.append("finished  ").append(b.path("finished_at").asText()).append(nl);
            for (var e : b.path("callbacks").properties()) {
                s.append(String.format(Locale.ROOT, "%-10s%s", e.getKey(), e.getValue().asText())).append(nl);
            }
            s.append("list jobs ordo jobs list --parent ").append(b.path("batch_id").asText()).append(nl);
            ctx.out().print(s);
            return Main.OK;
        }
    }

    /** {@code ordo batches list [--limit N] [--cursor C] [--json]}. */
    @Command(name = "list", usageHelpAutoWidth = true, description = "List batches, newest first.")
    static final class ListBatches implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--limit", paramLabel = "N", description = "Batches per page, 1-1000 (default: 50)")
        Integer limit;

        @Option(names = "--cursor", paramLabel = "C", description = "Start after the page that printed this cursor")
        String cursor;

        @Option(names = "--json", description = "Print {batches, next_cursor} as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        ListBatches(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            StringBuilder q = new StringBuilder();
            if (limit != null) q.append("&limit=").append(limit);
            if (cursor != null) q.append("&cursor=").append(JobsCommand.encode(cursor));
            JsonNode page;
            try (ApiClient api = server.client(ctx)) {
                page = api.get("/api/batches" + (q.isEmpty() ? "" : "?" + q.substring(1)));
            }
            if (json) {
                ctx.out().println(ApiJson.pretty(page));
                return Main.OK;
            }
            Table t = new Table("ID", "NAME", "STATUS", ">DONE", ">TOTAL", ">FAILED", "CREATED");
            for (JsonNode b : page.path("batches")) {
                JsonNode c = b.path("counts");
                t.row(b.path("batch_id").asText(), b.path("name").isTextual() ? b.path("name").asText() : null, b.path("status").asText(),
                        b.path("done").asLong(), b.path("total").asLong(), c.path("failed").asLong() + c.path("cancelled").asLong(),
                        b.path("created_at").asText());
            }
            if (t.size() == 0) ctx.out().println("no batches");
            else ctx.out().print(t.render());
            if (page.path("next_cursor").isTextual()) ctx.err().println("more: add --cursor " + page.path("next_cursor").asText());
            return Main.OK;
        }
    }
}
