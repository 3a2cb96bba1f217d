package io.ordo.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Polls jobs until each is terminal, reporting on stderr: every change of status, attempt or
 * progress for a single job; a running tally for several.
 */
final class JobWaiter {
    private final ApiClient api;
    private final PrintWriter err;
    private final Duration interval;

    JobWaiter(ApiClient api, PrintWriter err, Duration interval) {
        this.api = api;
        this.err = err;
        this.interval = interval;
    }

    /** The final job objects, in the order of {@code ids}. */
    List<JsonNode> await(List<String> ids) {
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
            pause();
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

    private void pause() {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted while waiting");
        }
    }
}
