package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.JobStatus;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** Human renderings of the API's job and stats objects for the terminal. */
final class JobText {
    private JobText() {
    }

    /** {@code jobs show}: one "label  value" line per set field, then the attempt history. */
    static String show(JsonNode job) {
        List<String[]> rows = new ArrayList<>();
        row(rows, "id", job.path("id").asText());
        row(rows, "type", job.path("type").asText());
        row(rows, "queue", job.path("queue").asText());
        row(rows, "status", job.path("status").asText() + (job.path("cancel_requested").asBoolean() && !isTerminal(job) ? " (cancel requested)" : ""));
        row(rows, "attempt", job.path("attempt").asInt() + "/" + job.path("max_attempts").asInt());
        row(rows, "priority", job.path("priority").asText());
        String progress = progress(job);
        if (!progress.isEmpty()) row(rows, "progress", progress);
        row(rows, "error", text(job, "error"));
        row(rows, "warning", text(job, "warning"));
        if (job.path("waiting_for").isTextual()) row(rows, "waiting", "waiting for " + job.path("waiting_for").asText());
        if (!job.path("depends_on").isEmpty()) {
            row(rows, "depends_on", String.join(", ", strings(job.path("depends_on")))
                    + (job.path("run_on_failure").asBoolean() ? " (runs on failure)" : ""));
        }
        if (job.path("waiting_on").isArray()) row(rows, "waiting", "waiting on " + String.join(", ", strings(job.path("waiting_on"))));
        if (!job.path("requires").isEmpty()) {
            List<String> req = new ArrayList<>();
            job.path("requires").properties().forEach(e -> req.add(e.getKey() + "=" + e.getValue().asText()));
            row(rows, "requires", String.join(", ", req));
        }
        row(rows, "timeout", text(job, "timeout"));
        row(rows, "unique_key", text(job, "unique_key"));
        row(rows, "cache_key", text(job, "cache_key"));
        if (!job.path("tags").isEmpty()) row(rows, "tags", String.join(", ", strings(job.path("tags"))));
        row(rows, "parent_id", text(job, "parent_id"));
        if (job.path("status").asText().equals("running")) {
            // a finished job keeps its last owner in the store; it only means something while running
            row(rows, "lease_owner", text(job, "lease_owner"));
            row(rows, "lease_until", text(job, "lease_until"));
        }
        row(rows, "created_at", text(job, "created_at"));
        row(rows, "run_at", text(job, "run_at"));
        row(rows, "started_at", text(job, "started_at"));
        row(rows, "finished_at", text(job, "finished_at"));
        String took = took(job);
        if (took != null) row(rows, "took", took);
        row(rows, "updated_at", text(job, "updated_at"));
        if (!job.path("result").isMissingNode() && !job.path("result").isNull()) row(rows, "result", job.path("result").toString());
        row(rows, "children", counts(job.path("children")));
        row(rows, "tree", counts(job.path("tree")));
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) b.append(String.format("%-12s %s%n", r[0], r[1]));
        JsonNode errors = job.path("errors");
        if (!errors.isEmpty()) {
            b.append("errors").append(System.lineSeparator());
            for (JsonNode e : errors) {
                b.append(String.format("  #%-3d %s  %-13s %s%s%n", e.path("attempt").asInt(), e.path("at").asText(),
                        e.path("reason").asText(), e.path("message").asText(""),
                        e.path("owner").isTextual() ? "  (" + e.path("owner").asText() + ")" : ""));
            }
        }
        return b.toString();
    }

    /** One line of {@code submit --wait} progress: {@code <id> running attempt 1/3 500/1000 sleeping}. */
    static String progressLine(JsonNode job) {
        String p = isTerminal(job) ? "" : progress(job);
        return job.path("id").asText() + " " + job.path("status").asText() + " attempt "
                + job.path("attempt").asInt() + "/" + job.path("max_attempts").asInt() + (p.isEmpty() ? "" : " " + p);
    }

    /** The last line of {@code submit --wait} for a job: how it ended. */
    static String outcome(JsonNode job) {
        String id = job.path("id").asText();
        String status = job.path("status").asText();
        String took = took(job);
        return switch (status) {
            case "completed" -> id + " completed" + (took == null ? "" : " in " + took);
            case "failed" -> id + " failed after " + job.path("attempt").asInt() + " attempt(s): " + job.path("error").asText("no error recorded");
            default -> id + " " + status;
        };
    }

    static boolean isTerminal(JsonNode job) {
        try {
            return JobStatus.fromWire(job.path("status").asText()).isTerminal();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String progress(JsonNode job) {
        JsonNode p = job.path("progress");
        long current = p.path("current").asLong();
        long total = p.path("total").asLong();
        String text = p.path("text").isTextual() ? p.path("text").asText() : "";
        if (total <= 0) return text;
        long percent = Math.min(100, Math.max(0, current * 100 / total));
        // handlers usually put the counts in their text already
        return text.isEmpty() ? current + "/" + total + " (" + percent + "%)" : percent + "% " + text;
    }

    private static String took(JsonNode job) {
        try {
            if (!job.path("started_at").isTextual() || !job.path("finished_at").isTextual()) return null;
            Duration d = Duration.between(Instant.parse(job.path("started_at").asText()), Instant.parse(job.path("finished_at").asText()));
            if (d.isNegative()) return null;
            return d.toMillis() < 10_000 ? d.toMillis() + "ms" : d.toSeconds() + "s";
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String text(JsonNode job, String field) {
        JsonNode v = job.path(field);
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }

    /** {@code 3 total: 2 completed, 1 failed}: the non-zero counts of a by-status object; null when absent. */
    private static String counts(JsonNode byStatus) {
        if (!byStatus.isObject()) return null;
        List<String> parts = new ArrayList<>();
        long total = 0;
        for (var e : byStatus.properties()) {
            if (e.getKey().equals("total")) continue;
            long n = e.getValue().asLong();
            total += n;
            if (n > 0) parts.add(n + " " + e.getKey());
        }
        return total + " total" + (parts.isEmpty() ? "" : ": " + String.join(", ", parts));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void row(List<String[]> rows, String label, String value) {
        if (value != null && !value.isEmpty()) rows.add(new String[]{label, value});
    }
}
