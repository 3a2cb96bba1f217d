package io.ordo.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.util.Durations;
import io.ordo.server.api.ApiJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ordo submit TYPE …}: submits one job (or {@code --count} copies in one batch), optionally waits. */
@Command(name = "submit", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Submit a job and print its id (one per line with --count).",
                "With --wait, follow it to the end (progress on stderr); exit 0 only if every job completed."})
final class SubmitCommand implements Callable<Integer> {
    /** The most jobs one batch may hold (the engine's limit). */
    static final int MAX_COUNT = io.ordo.core.Jobs.MAX_BATCH;

    private final CliContext ctx;

    @Parameters(index = "0", paramLabel = "TYPE", description = "Job type, e.g. noop, sleep, fail")
    String type;

    @Option(names = "--payload", paramLabel = "JSON", description = "Payload as JSON, or @FILE to read it from a file (default: {})")
    String payload;

    @Option(names = "--count", paramLabel = "N", description = "Submit N copies in one batch (default: 1)")
    int count = 1;

    @Option(names = "--queue", paramLabel = "Q", description = "Queue (default: default)")
    String queue;

    @Option(names = "--priority", paramLabel = "P", description = "Priority; lower runs first (default: 0)")
    Integer priority;

    @Option(names = "--delay", paramLabel = "DUR", description = "Run no earlier than this from now, e.g. 10s, 5m, 1h30m")
    String delay;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Attempts before the job fails for good")
    Integer maxAttempts;

    @Option(names = "--timeout", paramLabel = "DUR", description = "Fail an attempt that runs longer than this")
    String timeout;

    @Option(names = "--unique-key", paramLabel = "K", description = "While a job with this key is live, return it instead of a new one")
    String uniqueKey;

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag the job (repeatable)")
    List<String> tags = new ArrayList<>();

    @Option(names = "--requires", paramLabel = "KEY=VALUE",
            description = "Run only on a node with this capability, e.g. gpu=1 (repeatable: all must match)")
    List<String> requires = new ArrayList<>();

    @Option(names = "--depends-on", paramLabel = "ID,...", split = ",",
            description = "Wait (status waiting) until these jobs completed; skipped if one fails or is cancelled (repeatable)")
    List<String> dependsOn = new ArrayList<>();

    @Option(names = "--run-on-failure", description = "With --depends-on: run once they all ended, even if one failed")
    boolean runOnFailure;

    @Option(names = "--wait", description = "Wait until the job(s) finish; exit non-zero unless all completed")
    boolean await;

    @Option(names = "--json", description = "Print JSON: the submit answer, or with --wait the final job object(s), as 'jobs show --json' does")
    boolean json;

    @Option(names = "--poll-interval", paramLabel = "DUR", hidden = true, description = "How often --wait polls (default: 200ms)")
    String pollInterval = "200ms";

    @Mixin
    ServerOption server;

    SubmitCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ObjectNode job = buildJob();
        if (count < 1 || count > MAX_COUNT) throw CliException.usage("--count must be 1-" + MAX_COUNT + " (got " + count + ")");
        Duration poll = duration("--poll-interval", pollInterval);
        if (poll.toMillis() < 10) throw CliException.usage("--poll-interval must be at least 10ms");
        try (ApiClient api = server.client(ctx)) {
            List<JsonNode> accepted = submit(api, job);
            List<String> ids = accepted.stream().map(a -> a.path("job_id").asText()).toList();
            if (!await) {
                if (json) ctx.out().println(ApiJson.pretty(accepted.size() == 1 ? accepted.get(0) : array(accepted)));
                else ids.forEach(ctx.out()::println);
                return Main.OK;
            }
            if (!json) {
                ids.forEach(ctx.out()::println);
                ctx.out().flush();
            }
            List<JsonNode> finals = new JobWaiter(api, ctx.err(), poll, api.token()).await(ids);
            if (json) ctx.out().println(ApiJson.pretty(finals.size() == 1 ? finals.get(0) : array(finals)));
            boolean allCompleted = finals.stream().allMatch(j -> j.path("status").asText().equals("completed"));
            return allCompleted ? Main.OK : Main.FAILED;
        }
    }

    private List<JsonNode> submit(ApiClient api, ObjectNode job) {
        if (count == 1) return List.of(api.post("/api/jobs", job));
        ObjectNode batch = JsonNodeFactory.instance.objectNode();
        ArrayNode jobs = batch.putArray("jobs");
        for (int i = 0; i < count; i++) jobs.add(job);
        List<JsonNode> out = new ArrayList<>(count);
        api.post("/api/jobs/batch", batch).path("jobs").forEach(out::add);
        return out;
    }

    /** The submit body; checks what can be checked here so that typos fail before any request. */
    private ObjectNode buildJob() {
        ObjectNode job = JsonNodeFactory.instance.objectNode();
        job.put("type", type);
        if (payload != null) job.set("payload", parsePayload(payload));
        if (queue != null) job.put("queue", queue);
        if (priority != null) job.put("priority", priority);
        if (delay != null) job.put("delay", Durations.format(duration("--delay", delay)));
        if (maxAttempts != null) {
            if (maxAttempts < 1) throw CliException.usage("--max-attempts must be at least 1 (got " + maxAttempts + ")");
            job.put("max_attempts", maxAttempts);
        }
        if (timeout != null) job.put("timeout", Durations.format(duration("--timeout", timeout)));
        if (uniqueKey != null) job.put("unique_key", uniqueKey);
        if (!tags.isEmpty()) tags.forEach(job.putArray("tags")::add);
        if (!dependsOn.isEmpty()) {
            ArrayNode deps = job.putArray("depends_on");
            for (String d : dependsOn) {
                try {
                    deps.add(java.util.UUID.fromString(d.trim()).toString());
                } catch (IllegalArgumentException e) {
                    throw CliException.usage("--depends-on: '" + d.trim() + "' is not a job id");
                }
            }
        }
        if (runOnFailure) {
            if (dependsOn.isEmpty()) throw CliException.usage("--run-on-failure needs --depends-on");
            job.put("run_on_failure", true);
        }
        if (!requires.isEmpty()) {
            try {
                ObjectNode req = job.putObject("requires");
                io.ordo.core.model.Capabilities.parse(requires, "--requires").asMap().forEach(req::put);
            } catch (io.ordo.core.OrdoException e) {
                throw CliException.usage(e.getMessage());
            }
        }
        return job;
    }

    static JsonNode parsePayload(String text) {
        String source = "--payload";
        if (text.startsWith("@")) {
            Path file = Path.of(text.substring(1));
            source = "--payload file " + file;
            try {
                text = Files.readString(file);
            } catch (java.nio.file.NoSuchFileException e) {
                throw CliException.usage("--payload: cannot read " + file + ": no such file");
            } catch (IOException e) {
                throw CliException.usage("--payload: cannot read " + file + ": " + e.getMessage());
            }
        }
        try {
            JsonNode n = ApiJson.read(text);
            if (n == null || n.isMissingNode()) throw CliException.usage(source + " is empty; give a JSON value such as {}");
            return n;
        } catch (JsonProcessingException e) {
            throw CliException.usage(source + " is not valid JSON: " + ApiJson.problem(e));
        }
    }

    static Duration duration(String option, String text) {
        try {
            return Durations.parse(option, text);
        } catch (InvalidRequestException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    private static ArrayNode array(List<JsonNode> nodes) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        nodes.forEach(a::add);
        return a;
    }
}
