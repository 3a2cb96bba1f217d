package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ordo stats}: job counts by status, overall and per queue. */
@Command(name = "stats", usageHelpAutoWidth = true, description = "Show job counts by status (and by queue).")
final class StatsCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--json", description = "Print one JSON object whose keys are the status names")
    boolean json;

    @Mixin
    ServerOption server;

    StatsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        try (ApiClient api = server.client(ctx)) {
            JsonNode stats = api.get("/api/jobs/stats");
            if (json) ctx.out().println(ApiJson.pretty(stats.path("statuses")));
            else ctx.out().print(table(stats));
            return Main.OK;
        }
    }

    /** STATUS, TOTAL, then one column per queue. */
    static String table(JsonNode stats) {
        List<String> queues = new ArrayList<>();
        stats.path("queues").fieldNames().forEachRemaining(queues::add);
        List<List<String>> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("STATUS", "TOTAL"));
        header.addAll(queues);
        rows.add(header);
        for (Map.Entry<String, JsonNode> e : stats.path("statuses").properties()) {
            List<String> row = new ArrayList<>(List.of(e.getKey(), e.getValue().asText()));
            for (String q : queues) row.add(stats.path("queues").path(q).path(e.getKey()).asText("0"));
            rows.add(row);
        }
        List<String> total = new ArrayList<>(List.of("total", stats.path("total").asText()));
        for (String q : queues) {
            long sum = 0;
            for (JsonNode n : stats.path("queues").path(q)) sum += n.asLong();
            total.add(Long.toString(sum));
        }
        rows.add(total);
        return render(rows);
    }

    private static String render(List<List<String>> rows) {
        int cols = rows.get(0).size();
        int[] width = new int[cols];
        for (List<String> r : rows) for (int i = 0; i < cols; i++) width[i] = Math.max(width[i], r.get(i).length());
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            for (int i = 0; i < cols; i++) {
                // first column left-aligned, counts right-aligned
                String cell = i == 0 ? String.format("%-" + width[i] + "s", r.get(i)) : String.format("%" + width[i] + "s", r.get(i));
                b.append(i == 0 ? "" : "  ").append(cell);
            }
            b.append(System.lineSeparator());
        }
        return b.toString();
    }
}
