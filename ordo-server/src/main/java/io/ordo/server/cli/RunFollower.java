package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.model.JobStatus;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Follows a definition run to its end for {@code ordo definitions run --wait}: polls the run job and
 * draws the progress of all its descendants (the {@code tree} counts) on stderr, then builds the
 * final run object.
 *
 * <p>Progress line: {@code [##########--------------] 5/12  2 running, 5 pending, 5 completed, 0 failed}
 * (plus cancelled and skipped when not zero). In {@code bar} mode it is redrawn in place with
 * {@code \r}; in {@code lines} mode a new line is printed when the counts change, at most once per
 * interval (and always the final state).
 */
final class RunFollower {
    static final int BAR_WIDTH = 24;
    /** Order of statuses in summaries. */
    static final List<String> ORDER = List.of("completed", "failed", "cancelled", "skipped", "running", "waiting", "pending", "scheduled");

    enum Mode {
        AUTO, BAR, LINES, NONE;

        static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--progress must be auto, bar, lines or none (got '" + s + "')");
            }
        }
    }

    private final ApiClient api;
    private final PrintWriter err;
    private final Duration poll;
    private final Duration linesInterval;
    private final Mode mode;

    private final String token;

    RunFollower(ApiClient api, PrintWriter err, Duration poll, Duration linesInterval, Mode mode, String token) {
        this.api = api;
        this.err = err;
        this.poll = poll;
        this.linesInterval = linesInterval;
        this.mode = mode;
        this.token = token;
    }

    private String lastPrinted;
    private long lastPrintedAt;
    private int drawnWidth;

    /**
     * Follows the run until it is terminal, drawing progress; returns the final run job object. The
     * run is re-read when the event stream reports a change in its tree (or polled without a stream).
     */
    JsonNode follow(String runId) {
        try (WaitPacer pacer = WaitPacer.open(api.base(), token, "root_id=" + runId
                + "&types=job_status_change,job_progress,job_spawn,task_progress", poll)) {
            return follow(runId, pacer);
        }
    }

    private JsonNode follow(String runId, WaitPacer pacer) {
        try {
            while (true) {
                JsonNode run = api.get("/api/jobs/" + runId);
                boolean done = JobText.isTerminal(run);
                draw(progressLine(run), done);
                if (done) return run;
                pacer.pause();
            }
        } finally {
            // end the redrawn line, also when polling failed (the error then goes on a line of its own)
            if (mode == Mode.BAR && lastPrinted != null) {
                err.println();
                err.flush();
            }
        }
    }

    private void draw(String line, boolean last) {
        if (line.equals(lastPrinted)) return;
        if (mode == Mode.BAR) {
            StringBuilder b = new StringBuilder("\r").append(line);
            for (int i = line.length(); i < drawnWidth; i++) b.append(' ');
            err.print(b);
            err.flush();
            drawnWidth = Math.max(drawnWidth, line.length());
            lastPrinted = line;
        } else if (mode == Mode.LINES) {
            long now = System.nanoTime();
            if (lastPrinted == null || last || now - lastPrintedAt >= linesInterval.toNanos()) {
                err.println(line);
                err.flush();
                lastPrinted = line;
                lastPrintedAt = now;
            }
        }
    }

    /** The progress line of a run job object (its {@code tree} counts). */
    static String progressLine(JsonNode run) {
        JsonNode tree = run.path("tree");
        long total = tree.path("total").asLong();
        long done = tree.path("completed").asLong() + tree.path("failed").asLong() + tree.path("cancelled").asLong()
                + tree.path("skipped").asLong();
        int filled = total == 0 ? 0 : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < BAR_WIDTH; i++) b.append(i < filled ? '#' : '-');
        b.append("] ").append(done).append('/').append(total).append("  ")
                .append(tree.path("pending").asLong() + tree.path("scheduled").asLong()).append(" pending, ")
                .append(tree.path("running").asLong() + tree.path("waiting").asLong()).append(" running, ")
                .append(tree.path("completed").asLong()).append(" completed, ")
                .append(tree.path("failed").asLong()).append(" failed");
        if (tree.path("cancelled").asLong() > 0) b.append(", ").append(tree.path("cancelled").asLong()).append(" cancelled");
        if (tree.path("skipped").asLong() > 0) b.append(", ").append(tree.path("skipped").asLong()).append(" skipped");
        return b.toString();
    }

    /**
     * The final run object: {@code {job_id, definition_id, status, error, warning, created_at, started_at,
     * finished_at, counts: {status: n, …, total}, steps: [{name, status, job_id, attempts, error}]}}.
     * {@code counts} covers every job under the run (steps and what they spawned); {@code steps}
     * lists each step's last attempt in the definition's order.
     */
    JsonNode summary(JsonNode run) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("job_id", run.path("id").asText());
        o.set("definition_id", run.path("definition_id"));
        o.put("status", run.path("status").asText());
        o.set("error", run.path("error").isMissingNode() ? JsonNodeFactory.instance.nullNode() : run.path("error"));
        o.set("warning", run.path("warning").isMissingNode() ? JsonNodeFactory.instance.nullNode() : run.path("warning"));
        o.set("created_at", run.path("created_at"));
        o.set("started_at", run.path("started_at"));
        o.set("finished_at", run.path("finished_at"));
        ObjectNode counts = o.putObject("counts");
        long total = 0;
        for (JobStatus st : JobStatus.values()) {
            long n = run.path("tree").path(st.wireName()).asLong();
            counts.put(st.wireName(), n);
            total += n;
        }
        counts.put("total", total);
        ArrayNode steps = o.putArray("steps");
        Map<String, List<JsonNode>> attempts = stepJobs(run.path("id").asText());
        List<String> order = new ArrayList<>();
        run.path("payload").path("definition").path("steps").forEach(s -> order.add(s.path("name").asText()));
        attempts.keySet().stream().filter(n -> !order.contains(n)).forEach(order::add);
        for (String name : order) {
            ObjectNode so = steps.addObject();
            so.put("name", name);
            List<JsonNode> jobs = attempts.get(name);
            if (jobs == null) {
                so.putNull("status");
                so.putNull("job_id");
                so.put("attempts", 0);
                so.putNull("error");
                continue;
            }
            JsonNode last = jobs.get(0); // newest first
            so.put("status", last.path("status").asText());
            so.put("job_id", last.path("id").asText());
            so.put("attempts", jobs.size());
            so.set("error", last.path("error").isMissingNode() ? JsonNodeFactory.instance.nullNode() : last.path("error"));
        }
        return o;
    }

    /** The run's step jobs by step name, newest attempt first. */
    private Map<String, List<JsonNode>> stepJobs(String runId) {
        Map<String, List<JsonNode>> out = new LinkedHashMap<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/api/jobs/" + runId + "/children?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
            for (JsonNode j : page.path("jobs")) {
                if (j.path("step").isTextual()) out.computeIfAbsent(j.path("step").asText(), k -> new ArrayList<>()).add(j);
            }
            cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
        } while (cursor != null);
        return out;
    }

    /** The human summary printed on stdout after {@code --wait}. */
    static String summaryText(JsonNode s) {
        String nl = System.lineSeparator();
        StringBuilder b = new StringBuilder();
        String status = s.path("status").asText();
        b.append("run ").append(s.path("job_id").asText());
        if (s.path("definition_id").isTextual()) b.append(" of '").append(s.path("definition_id").asText()).append('\'');
        b.append(' ').append(status);
        String took = took(s);
        if (took != null) b.append(" in ").append(took);
        b.append(nl);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("STEP", "STATUS", "ATTEMPTS", "ERROR"));
        Map<String, Long> stepCounts = new LinkedHashMap<>();
        for (JsonNode st : s.path("steps")) {
            String stStatus = st.path("status").isTextual() ? st.path("status").asText() : "not started";
            stepCounts.merge(stStatus, 1L, Long::sum);
            rows.add(List.of(st.path("name").asText(), stStatus, Integer.toString(st.path("attempts").asInt()),
                    st.path("error").isTextual() ? st.path("error").asText() : ""));
        }
        if (rows.size() > 1) b.append(DefinitionsCommand.ListDefinitions.table(rows));
        b.append("steps: ").append(countsText(stepCounts)).append(nl);
        Map<String, Long> jobCounts = new LinkedHashMap<>();
        s.path("counts").properties().forEach(e -> {
            if (!e.getKey().equals("total")) jobCounts.put(e.getKey(), e.getValue().asLong());
        });
        b.append("jobs:  ").append(countsText(jobCounts)).append(" (").append(s.path("counts").path("total").asLong()).append(" in all)").append(nl);
        if (s.path("error").isTextual()) b.append("error: ").append(s.path("error").asText()).append(nl);
        if (s.path("warning").isTextual()) b.append("warning: ").append(s.path("warning").asText()).append(nl);
        return b.toString();
    }

    /** {@code 3 completed, 1 skipped}: the statuses with a count, in a fixed order. */
    static String countsText(Map<String, Long> counts) {
        List<String> parts = new ArrayList<>();
        for (String st : ORDER) {
            long n = counts.getOrDefault(st, 0L);
            if (n > 0) parts.add(n + " " + st);
        }
        counts.forEach((st, n) -> {
            if (!ORDER.contains(st) && n > 0) parts.add(n + " " + st);
        });
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String took(JsonNode s) {
        try {
            JsonNode from = s.path("created_at");
            JsonNode to = s.path("finished_at");
            if (!from.isTextual() || !to.isTextual()) return null;
            Duration d = Duration.between(Instant.parse(from.asText()), Instant.parse(to.asText()));
            if (d.isNegative()) return null;
            return d.toMillis() < 10_000 ? d.toMillis() + "ms" : String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
