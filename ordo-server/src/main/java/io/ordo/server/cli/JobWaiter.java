package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Follows jobs until each is terminal, reporting on stderr: every change of status, attempt or
 * progress for a single job; a running tally for several. It re-reads the jobs when the server's
 * event stream says something happened to them, or polls when there is no stream.
 */
final class JobWaiter {
    private final ApiClient api;
    private final PrintWriter err;
    private final Duration interval;
    private final String token;
    /** Above this many jobs the stream is not filtered by id (the query string would get long). */
    private static final int MAX_FILTER_IDS = 20;

    JobWaiter(ApiClient api, PrintWriter err, Duration interval, String token) {
        this.api = api;
        this.err = err;
        this.interval = interval;
        this.token = token;
    }

    /** The final job objects, in the order of {@code ids}. */
    List<JsonNode> await(List<String> ids) {
        String query = (ids.size() <= MAX_FILTER_IDS ? "job_id=" + String.join(",", ids) + "&" : "")
                + "types=job_status_change,task_progress,job_progress";
        // opened before the first look, so that nothing after it goes unnoticed
        try (WaitPacer pacer = WaitPacer.open(api.base(), token, query, interval)) {
            return await(ids, pacer);
        }
    }

    private List<JsonNode> await(List<String> ids, WaitPacer pacer) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        ids.forEach(id -> latest.put(id, null));
        String lastReport = "";
        while (true) {
            for (Map.Entry<String, JsonNode> e : latest.entrySet()) {
                if (e.getValue() == null || !JobText.isTerminal(e.getValue())) e.setValue(api.get("/api/jobs/" + e.getKey()));
            }
            String report = ids.size() == 1 ? JobText.progressLine(latest.get(ids.get(0))) : tally(latest.values());
            if (!report.equals(lastReport)) {
                err.println(report);
                err.flush();
                lastReport = report;
            }
            if (latest.values().stream().allMatch(JobText::isTerminal)) break;
            pacer.pause();
        }
        if (ids.size() == 1) err.println(JobText.outcome(latest.get(ids.get(0))));
        else latest.values().stream().filter(j -> !j.path("status").asText().equals("completed"))
                .forEach(j -> err.println(JobText.outcome(j)));
        err.flush();
        return List.copyOf(latest.values());
    }

    private static String tally(Iterable<JsonNode> jobs) {
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        int total = 0;
        for (JsonNode j : jobs) {
            byStatus.merge(j.path("status").asText(), 1, Integer::sum);
            total++;
        }
        StringBuilder b = new StringBuilder(total + " jobs:");
        byStatus.forEach((s, n) -> b.append(' ').append(s).append(' ').append(n));
        return b.toString();
    }
}
