package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code ordo queues list|pause|resume|purge|set|limits}. */
@Command(name = "queues", usageHelpAutoWidth = true, description = "Show queues; pause, resume or purge them; set their cluster-wide limits.",
        subcommands = {QueuesCommand.ListQueues.class, QueuesCommand.Pause.class, QueuesCommand.Resume.class, QueuesCommand.Purge.class,
                QueueLimitCommands.Set.class, QueueLimitCommands.ListLimits.class})
final class QueuesCommand implements Callable<Integer> {
    QueuesCommand(CliContext ctx) {
    }

    @Override
    public Integer call() {
        throw CliException.usage("missing subcommand: list, pause, resume, purge, set or limits (see 'ordo queues --help')");
    }

    /** {@code ordo queues list [--json]}: counts, last-minute and last-hour outcomes, throughput, start latency, paused. */
    @Command(name = "list", usageHelpAutoWidth = true, description = "Per queue: waiting and running jobs, recent outcomes, start latency, paused.")
    static final class ListQueues implements Callable<Integer> {
        private final CliContext ctx;

        @Option(names = "--json", description = "Print {queues: [...]} as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        ListQueues(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            JsonNode stats;
            try (ApiClient api = server.client(ctx)) {
                stats = api.get("/api/queue/stats");
            }
            if (json) {
                ctx.out().println(ApiJson.pretty(stats));
                return Main.OK;
            }
            // the broker's count is a column only where a broker carries the queues
            boolean broker = false;
            boolean limited = false; // so is the LIMITS column, where a queue has stored limits
            for (JsonNode q : stats.path("queues")) {
                broker |= q.path("transport_messages").isNumber();
                limited |= q.path("settings").isObject();
            }
            List<String> header = new ArrayList<>(List.of("QUEUE", ">PENDING", ">SCHEDULED", ">RUNNING", ">WAITING", ">DONE/1M",
                    ">FAILED/1M", ">DONE/1H", ">FAILED/1H", ">JOBS/S", ">P50_MS", ">P95_MS"));
            if (broker) header.add(">MESSAGES");
            header.add("PAUSED");
            if (limited) header.add("LIMITS");
            Table t = new Table(header.toArray(String[]::new));
            for (JsonNode q : stats.path("queues")) {
                List<Object> row = new ArrayList<>(List.of(q.path("queue").asText(), q.path("pending").asLong(), q.path("scheduled").asLong(),
                        q.path("running").asLong(), q.path("waiting").asLong(), q.path("completed_last_minute").asLong(),
                        q.path("failed_last_minute").asLong(), q.path("completed_last_hour").asLong(), q.path("failed_last_hour").asLong(),
                        String.format(Locale.ROOT, "%.2f", q.path("throughput_per_second").asDouble())));
                row.add(q.path("start_latency_p50_ms").isNumber() ? q.path("start_latency_p50_ms").asLong() : null);
                row.add(q.path("start_latency_p95_ms").isNumber() ? q.path("start_latency_p95_ms").asLong() : null);
                if (broker) row.add(q.path("transport_messages").isNumber() ? q.path("transport_messages").asLong() : null);
                row.add(q.path("paused").asBoolean() ? "yes" : "no");
                if (limited) row.add(QueueLimitCommands.compact(q.path("settings")));
                t.row(row.toArray());
            }
            if (t.size() == 0) ctx.out().println("no queues");
            else ctx.out().print(t.render());
            return Main.OK;
        }
    }

    abstract static class Flag implements Callable<Integer> {
        final CliContext ctx;

        @Parameters(index = "0", paramLabel = "QUEUE", description = "Queue name")
        String queue;

        @Option(names = "--json", description = "Print the server's answer as JSON")
        boolean json;

        @Mixin
        ServerOption server;

        Flag(CliContext ctx) {
            this.ctx = ctx;
        }

        abstract String verb();

        /** Refuses (a usage error) what must not be sent; nothing by default. */
        void check(String queue) {
        }

        /** The line for people. */
        String line(JsonNode r) {
            return r.path("queue").asText() + (r.path("paused").asBoolean() ? " paused" : " resumed");
        }

        @Override
        public Integer call() {
            String q = queue.trim();
            if (q.isEmpty() || q.contains("/")) throw CliException.usage("'" + queue + "' is not a queue name");
            check(q);
            JsonNode r;
            try (ApiClient api = server.client(ctx)) {
                r = api.post("/api/queues/" + JobsCommand.encodeSegment(q) + "/" + verb());
            }
            ctx.out().println(json ? ApiJson.write(r) : line(r));
            return Main.OK;
        }
    }

    @Command(name = "pause", usageHelpAutoWidth = true, description = "Stop workers on every node from starting jobs of a queue (running ones finish).")
    static final class Pause extends Flag {
        Pause(CliContext ctx) {
            super(ctx);
        }

        @Override
        String verb() {
            return "pause";
        }
    }

    /** {@code ordo queues purge QUEUE --yes}: the seed's clean_queue. */
    @Command(name = "purge", usageHelpAutoWidth = true,
            description = {"Cancel every pending and scheduled job of a queue (running ones go on) and drop the broker's messages for it.",
                    "Asks for --yes, since it cannot be undone (cancelled jobs can be restarted one by one)."})
    static final class Purge extends Flag {
        @Option(names = "--yes", description = "Really purge")
        boolean yes;

        Purge(CliContext ctx) {
            super(ctx);
        }

        @Override
        String verb() {
            return "purge";
        }

        @Override
        void check(String queue) {
            if (!yes) throw CliException.usage("purging cancels every pending and scheduled job of queue '" + queue + "'; add --yes to do it");
        }

        @Override
        String line(JsonNode r) {
            return r.path("queue").asText() + ": " + r.path("cancelled").asLong() + " job(s) cancelled, "
                    + r.path("transport_messages_dropped").asLong() + " broker message(s) dropped";
        }
    }

    @Command(name = "resume", usageHelpAutoWidth = true, description = "Let workers start jobs of a paused queue again.")
    static final class Resume extends Flag {
        Resume(CliContext ctx) {
            super(ctx);
        }

        @Override
        String verb() {
            return "resume";
        }
    }
}
