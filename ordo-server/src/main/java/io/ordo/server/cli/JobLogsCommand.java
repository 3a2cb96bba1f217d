package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;
import io.ordo.core.util.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code ordo jobs logs ID [-f] [--after SEQ] [--json]}: a job's log lines, oldest first. With
 * {@code -f} it keeps polling for new lines (by the {@code after} cursor) and returns once the job is
 * terminal and every line is printed; the exit code then says whether the job completed.
 */
@Command(name = "logs", sortOptions = false, usageHelpAutoWidth = true, description = "Print a job's log lines (-f: follow until it ends).")
final class JobLogsCommand implements Callable<Integer> {
    private static final int PAGE = 1000;

    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "ID", description = "Job id")
    String id;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until the job is completed, failed or cancelled")
    boolean follow;

    @Option(names = "--after", paramLabel = "SEQ", description = "Only lines after this sequence number")
    long after;

    @Option(names = "--json", description = "One JSON object per line: {seq, attempt, at, level, message}")
    boolean json;

    @Option(names = "--poll-interval", paramLabel = "DUR", hidden = true, description = "How often -f polls (default: 500ms)")
    String pollInterval = "500ms";

    @Mixin
    ServerOption server;

    JobLogsCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws InterruptedException {
        String job = JobsCommand.checkId(id);
        if (after < 0) throw CliException.usage("--after must be 0 or more (got " + after + ")");
        Duration interval;
        try {
            interval = Durations.parse("--poll-interval", pollInterval);
        } catch (RuntimeException e) {
            throw CliException.usage(e.getMessage());
        }
        try (ApiClient api = server.client(ctx)) {
            long cursor = after;
            while (true) {
                // status first: lines written before it turned terminal are all fetched by the drain below
                JsonNode status = follow ? api.get("/api/jobs/" + job) : null;
                int got;
                do {
                    JsonNode page = api.get("/api/jobs/" + job + "/logs?limit=" + PAGE + "&after=" + cursor);
                    got = page.path("logs").size();
                    for (JsonNode line : page.path("logs")) print(line);
                    cursor = page.path("next_after").asLong(cursor);
                } while (got == PAGE);
                ctx.out().flush();
                if (!follow) return Main.OK;
                if (JobText.isTerminal(status)) {
                    if (status.path("status").asText().equals("completed")) return Main.OK;
                    ctx.err().println("ordo: " + JobText.outcome(status));
                    return Main.FAILED;
                }
                Thread.sleep(interval.toMillis());
            }
        }
    }

    private void print(JsonNode line) {
        if (json) {
            ctx.out().println(ApiJson.write(line));
            return;
        }
        ctx.out().printf("%s %-5s #%d %s%n", line.path("at").asText(), line.path("level").asText().toUpperCase(java.util.Locale.ROOT),
                line.path("attempt").asInt(), line.path("message").asText());
    }
}
