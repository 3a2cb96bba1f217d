package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ordo nodes [--json]}: the nodes on the server's store, alive, draining, stopped or lost, then whether
 * PostgreSQL's autovacuum covers Ordo's tables (nothing on SQLite and memory, where it does not apply).
 * {@code ordo nodes drain|resume|stop ID}: {@link NodeOrderCommand}.
 */
@Command(name = "nodes", usageHelpAutoWidth = true, description = "Show the cluster's nodes: state, host, running jobs, queues; then whether PostgreSQL autovacuum covers Ordo's tables.",
        subcommands = {NodeOrderCommand.Drain.class, NodeOrderCommand.Resume.class, NodeOrderCommand.Stop.class})
final class NodesCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Option(names = "--json", description = "Print {nodes: [...]} as JSON")
    boolean json;

    @Mixin
    ServerOption server;

    NodesCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        JsonNode nodes;
        try (ApiClient api = server.client(ctx)) {
            nodes = api.get("/api/cluster/nodes");
        }
        if (json) {
            ctx.out().println(ApiJson.pretty(nodes));
            return Main.OK;
        }
        // capabilities and routing: the TYPES and CAPABILITIES columns only where they tell nodes apart
        java.util.Set<String> typeSets = new java.util.HashSet<>();
        java.util.Set<String> versions = new java.util.HashSet<>();
        boolean anyCaps = false;
        String leader = null;
        for (JsonNode n : nodes.path("nodes")) {
            typeSets.add(n.path("types").toString());
            versions.add(n.path("version").asText());
            anyCaps |= !n.path("capabilities").isEmpty();
            if (n.path("leader").asBoolean()) leader = n.path("id").asText();
        }
        boolean showTypes = typeSets.size() > 1;
        // like TYPES, VERSION only where nodes differ (a rolling upgrade): the table keeps within 80 columns
        boolean showVersion = versions.size() > 1;
        List<String> header = new ArrayList<>(List.of("NODE", "STATE", "HOST", ">PID", ">RUNNING", "QUEUES"));
        if (showTypes) header.add("TYPES");
        if (anyCaps) header.add("CAPABILITIES");
        header.add("SEEN");
        if (showVersion) header.add("VERSION");
        Table t = new Table(header.toArray(String[]::new));
        for (JsonNode n : nodes.path("nodes")) {
            List<String> queues = new ArrayList<>();
            n.path("queues").forEach(q -> queues.add(q.asText()));
            String id = n.path("id").asText() + (n.path("leader").asBoolean() ? "*" : "");
            List<Object> row = new ArrayList<>(List.of(id, n.path("state").asText(), n.path("host").asText(), n.path("pid").asLong(),
                    n.path("running").asInt() + "/" + n.path("slots").asInt()));
            row.add(queues.isEmpty() ? null : String.join(",", queues));
            if (showTypes) row.add(types(n.path("types")));
            if (anyCaps) row.add(capabilities(n.path("capabilities")));
            row.add(ago(n.path("seen_at").asText()));
            if (showVersion) row.add(n.path("version").asText());
            t.row(row.toArray());
        }
        if (t.size() == 0) ctx.out().println("no nodes");
        else ctx.out().print(t.render());
        if (leader != null) ctx.out().println("* leads the cluster (runs the cluster-wide duties)");
        if (t.size() > 0 && !showVersion) ctx.out().println("version: " + versions.iterator().next());
        JsonNode health = nodes.path("table_health");
        if (health.path("autovacuum").asText().equals("off")) {
            ctx.out().println("autovacuum: off (" + health.path("detail").asText() + "); vacuum duty on the answering node: "
                    + (health.path("vacuum_duty").asBoolean() ? "on" : "off"));
        } else if (health.path("autovacuum").asText().equals("on")) {
            ctx.out().println("autovacuum: on");
        }
        return Main.OK;
    }

    /** A few types by name, many as a count. */
    private static String types(JsonNode types) {
        if (types.isEmpty()) return null;
        if (types.size() > 3) return types.size() + " types";
        List<String> out = new ArrayList<>();
        types.forEach(x -> out.add(x.asText()));
        return String.join(",", out);
    }

    private static String capabilities(JsonNode caps) {
        List<String> out = new ArrayList<>();
        caps.properties().forEach(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        return out.isEmpty() ? null : String.join(",", out);
    }

    /** How long ago, coarsely ("4s ago", "12m ago"): the full timestamp pushed rows past 80 columns ({@code --json} keeps it). */
    static String ago(String instant) {
        try {
            long s = Math.max(0, java.time.Duration.between(java.time.Instant.parse(instant), java.time.Instant.now()).toSeconds());
            String d = s < 60 ? s + "s" : s < 3600 ? s / 60 + "m" : s < 86400 ? s / 3600 + "h" : s / 86400 + "d";
            return d + " ago";
        } catch (java.time.format.DateTimeParseException e) {
            return instant;
        }
    }
}
