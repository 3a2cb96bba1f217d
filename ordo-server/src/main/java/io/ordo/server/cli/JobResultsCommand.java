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

import java.util.concurrent.Callable;

/**
 * {@code ordo jobs results ID [--limit N] [--cursor C | --all] [--json]}: the results saved in a job's
 * tree (see {@code GET /api/jobs/{id}/results}), newest first.
 */
@Command(name = "results", sortOptions = false, usageHelpAutoWidth = true,
        description = "List the results saved in a job's tree, newest first.")
final class JobResultsCommand implements Callable<Integer> {
    private static final int SHOWN = 60;

    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "ID", description = "Job id")
    String id;

    @Option(names = "--limit", paramLabel = "N", description = "Results per page, 1-1000 (default: 50)")
    Integer limit;

    @Option(names = "--cursor", paramLabel = "C", description = "Start after the page that printed this cursor")
    String cursor;

    @Option(names = "--all", description = "Follow the pages to the end")
    boolean all;

    @Option(names = "--json", description = "Print {results, next_cursor} as JSON")
    boolean json;

    @Mixin
    ServerOption server;

    JobResultsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        String job = JobsCommand.checkId(id);
        if (all && cursor != null) throw CliException.usage("give --cursor or --all, not both");
        ArrayNode results = JsonNodeFactory.instance.arrayNode();
        String next = cursor;
        try (ApiClient api = server.client(ctx)) {
            do {
                StringBuilder q = new StringBuilder();
                if (limit != null) q.append("&limit=").append(limit);
                if (next != null) q.append("&cursor=").append(JobsCommand.encode(next));
                JsonNode page = api.get("/api/jobs/" + job + "/results" + (q.isEmpty() ? "" : "?" + q.substring(1)));
                results.addAll((ArrayNode) page.path("results"));
                next = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
            } while (all && next != null);
        }
        if (json) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.set("results", results);
            o.put("next_cursor", next);
            ctx.out().println(ApiJson.pretty(o));
            return Main.OK;
        }
        Table t = new Table(">ID", "JOB", "TYPE", "TITLE", "REFERENCE", "CREATED", "RESULT");
        for (JsonNode r : results) {
            t.row(r.path("id").asLong(), r.path("job_id").asText(), r.path("type").asText(), text(r, "title"), text(r, "reference"),
                    r.path("created_at").asText(), shorten(ApiJson.write(r.path("result"))));
        }
        if (t.size() == 0) ctx.out().println("no results");
        else ctx.out().print(t.render());
        if (next != null) ctx.err().println("more: add --cursor " + next + " (or --all)");
        return Main.OK;
    }

    private static String text(JsonNode r, String field) {
        return r.path(field).isTextual() ? shorten(r.path(field).asText()) : null;
    }

    private static String shorten(String s) {
        String line = s.replaceAll("\\s+", " ").trim();
        return line.length() > SHOWN ? line.substring(0, SHOWN - 3) + "..." : line;
    }
}
