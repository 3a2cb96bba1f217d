package io.ordo.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Json;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dashboard's API calls against a large store (a PostgreSQL schema or a SQLite file): fills it with
 * {@code --jobs} jobs ({@link DashboardData}), starts an in-process {@link OrdoServer} on it and
 * times every call the dashboard makes over HTTP, {@code --samples} times each after
 * {@code --warmup} rounds, calls interleaved round by round. Prints p50/p95/max per call and
 * PASS when its p95 is within {@code --target-ms}.
 *
 * <pre>
 *   ordo-bench/bench dashboard [--store postgres|sqlite] [--jobs 1000000] [--samples 30] [--warmup 5] [--target-ms 100]
 *                              [--keep false] [--fill-only false] [--reuse SCHEMA|FILE (filled by a kept run)]
 *                              [--only REGEX (call names)]
 * </pre>
 */
public final class DashboardBench {
    /** One timed call: a name for the table and the path (with query) it requests. */
    record Call(String name, String path) {
    }

    record Timing(Call call, String outcome, double p50, double p95, double max) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    private DashboardBench(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>(Map.of("jobs", "1000000", "samples", "30", "warmup", "5",
                "target-ms", "100", "store", "postgres", "reuse", "", "keep", "false", "fill-only", "false", "chunk", "100000", "only", ""));
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length || !opt.containsKey(args[i].substring(2))) {
                System.err.println("ordo-bench dashboard: unknown or incomplete option '" + args[i] + "'; options: " + opt.keySet());
                System.exit(2);
            }
            opt.put(args[i].substring(2), args[++i]);
        }
        DashboardTarget target = DashboardTarget.of(opt.get("store"), opt.get("reuse"));
        boolean keep = target.reused() || Boolean.parseBoolean(opt.get("keep")) || Boolean.parseBoolean(opt.get("fill-only"));
        System.out.printf(Locale.ROOT, "Ordo dashboard API benchmark: %s %s; %d cores, Java %s%n",
                target.kind(), target.name(), Runtime.getRuntime().availableProcessors(), Runtime.version());
        ServerOptions options = new ServerOptions().storeUrl(target.storeUrl()).host("127.0.0.1").port(0).resolve(Map.of());
        // the history spans six days: keep it all (retention) however long the run takes
        OrdoServer server = OrdoServer.create(options, config -> config.retention(Duration.ofDays(30)));
        DashboardData.Fixture fixture;
        try (Connection c = target.connect()) {
            if (target.reused()) {
                fixture = DashboardData.find(c);
            } else {
                int jobs = Integer.parseInt(opt.get("jobs"));
                System.out.printf(Locale.ROOT, "filling %,d jobs...%n", jobs);
                long t0 = System.nanoTime();
                fixture = target.fill(c, jobs, Integer.parseInt(opt.get("chunk")));
                double fillSec = (System.nanoTime() - t0) / 1e9;
                long t1 = System.nanoTime();
                String tidy = target.tidy(c);
                System.out.printf(Locale.ROOT, "filled in %.1f s, %s %.1f s%n", fillSec, tidy, (System.nanoTime() - t1) / 1e9);
            }
            System.out.println(target.describe(c));
        }
        if (Boolean.parseBoolean(opt.get("fill-only"))) {
            server.close();
            System.out.println("filled store kept: " + target.name() + " (reuse with --store " + opt.get("store") + " --reuse " + target.name() + ")");
            return;
        }
        try {
            server.start();
            DashboardBench bench = new DashboardBench(server.url());
            bench.putDefinitions();
            String only = opt.get("only");
            List<Call> calls = bench.calls(fixture).stream().filter(c -> only.isEmpty() || c.name().matches(only)).toList();
            int warmup = Integer.parseInt(opt.get("warmup"));
            int samples = Integer.parseInt(opt.get("samples"));
            List<Timing> timings = bench.measure(calls, warmup, samples);
            print(timings, samples, Double.parseDouble(opt.get("target-ms")));
            storeCalls(server.ordo().store(), warmup, samples);
        } finally {
            server.close();
            if (!keep) target.drop();
            else System.out.println("store kept: " + target.name());
        }
    }

    /** The definitions the runs in the data belong to (the store keeps definitions apart from jobs). */
    private void putDefinitions() throws Exception {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put(DashboardData.DEFINITION, """
                id: site-docs
                steps:
                  - {name: crawl, action: noop}
                  - {name: to_markdown, action: noop, depends: [crawl]}
                  - {name: notify, action: noop, depends: [to_markdown]}
                """);
        sources.put("nightly-report", """
                id: nightly-report
                steps:
                  - {name: query, action: noop}
                  - {name: render, action: noop, depends: [query]}
                """);
        sources.put("cleanup", """
                id: cleanup
                steps:
                  - {name: prune, action: noop}
                """);
        for (Map.Entry<String, String> e : sources.entrySet()) {
            String body = Json.MAPPER.writeValueAsString(Map.of("source", e.getValue(), "file", e.getKey() + ".yaml"));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs/definitions/" + e.getKey()))
                    .PUT(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) throw new IllegalStateException("PUT definition " + e.getKey() + ": " + r.statusCode() + " " + r.body());
        }
    }

    /**
     * Every call a dashboard page makes (ordo-server's dashboard/*.js), with ids from the data; the
     * cursor of page 2 and the sequence number to page back from are read from a first answer.
     */
    private List<Call> calls(DashboardData.Fixture f) throws Exception {
        List<Call> calls = new ArrayList<>();
        // overview, nodes, session (every page)
        calls.add(new Call("jobs stats", "/api/jobs/stats"));
        calls.add(new Call("queue stats", "/api/queue/stats"));
        calls.add(new Call("queue history 60 min", "/api/queue/history?minutes=60"));
        calls.add(new Call("cluster nodes", "/api/cluster/nodes"));
        calls.add(new Call("session", "/api/session"));
        // jobs page: every filter
        calls.add(new Call("jobs", "/api/jobs?limit=50"));
        calls.add(new Call("jobs status=failed", "/api/jobs?limit=50&status=failed"));
        calls.add(new Call("jobs status=pending", "/api/jobs?limit=50&status=pending"));
        calls.add(new Call("jobs queue=mail", "/api/jobs?limit=50&queue=mail"));
        calls.add(new Call("jobs queue=<empty queue>", "/api/jobs?limit=50&queue=" + DashboardData.EMPTY_QUEUE));
        calls.add(new Call("jobs queue=mail status=running", "/api/jobs?limit=50&queue=mail&status=running"));
        calls.add(new Call("jobs type=email.send", "/api/jobs?limit=50&type=email.send"));
        calls.add(new Call("jobs type=<no such type>", "/api/jobs?limit=50&type=" + DashboardData.MISSING_TYPE));
        calls.add(new Call("jobs type=<rare type> (10 jobs)", "/api/jobs?limit=50&type=" + DashboardData.RARE_TYPE));
        calls.add(new Call("jobs type=<rare> status=pending", "/api/jobs?limit=50&status=pending&type=" + DashboardData.RARE_TYPE));
        calls.add(new Call("jobs parent_id=<crawl step>", "/api/jobs?limit=50&parent_id=" + f.crawlStep()));
        calls.add(new Call("jobs root_id=<run>", "/api/jobs?limit=50&root_id=" + f.run()));
        JsonNode first = Json.parse(get("/api/jobs?limit=50").body());
        calls.add(new Call("jobs cursor=<page 2>", "/api/jobs?limit=50&cursor=" + encode(first.path("next_cursor").asText())));
        // job page and run page
        calls.add(new Call("job", "/api/jobs/" + f.failedJob()));
        calls.add(new Call("job (a run: tree counts)", "/api/jobs/" + f.run()));
        calls.add(new Call("job (a step: scope counts)", "/api/jobs/" + f.crawlStep()));
        calls.add(new Call("job logs after=0 limit=500", "/api/jobs/" + f.loggedJob() + "/logs?after=0&limit=500"));
        calls.add(new Call("job logs tail=500", "/api/jobs/" + f.loggedJob() + "/logs?tail=500"));
        JsonNode tail = Json.parse(get("/api/jobs/" + f.loggedJob() + "/logs?tail=500").body());
        calls.add(new Call("job logs before=<tail> limit=500",
                "/api/jobs/" + f.loggedJob() + "/logs?limit=500&before=" + tail.path("logs").path(0).path("seq").asLong(1)));
        calls.add(new Call("children of a job (50)", "/api/jobs/" + f.crawlStep() + "/children?limit=50"));
        calls.add(new Call("children of a step (100)", "/api/jobs/" + f.crawlStep() + "/children?limit=100"));
        calls.add(new Call("children of a run (1000)", "/api/jobs/" + f.run() + "/children?limit=1000"));
        calls.add(new Call("tree of a step (100)", "/api/jobs/" + f.crawlStep() + "/tree?limit=100"));
        calls.add(new Call("tree of a run (50)", "/api/jobs/" + f.run() + "/tree?limit=50"));
        calls.add(new Call("results of a run (50)", "/api/jobs/" + f.run() + "/results?limit=50"));
        // definitions
        calls.add(new Call("definitions", "/api/jobs/definitions"));
        calls.add(new Call("definition", "/api/jobs/definitions/" + DashboardData.DEFINITION));
        calls.add(new Call("definition runs (20)", "/api/jobs/definitions/" + DashboardData.DEFINITION + "/runs?limit=20"));
        // dead letter: the groups, a group's jobs, and what a group action lists first
        calls.add(new Call("dead letter", "/api/jobs/dead-letter"));
        calls.add(new Call("dead-letter group (big)", "/api/jobs?limit=20&status=failed&type=report.build&error=" + encode(f.commonError())));
        calls.add(new Call("dead-letter group (rare type)", "/api/jobs?limit=20&status=failed&type=" + DashboardData.RARE_TYPE
                + "&error=" + encode(f.rareError())));
        calls.add(new Call("dead-letter group action list", "/api/jobs?limit=1000&status=failed&type=billing.charge"));
        return calls;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Warm-up rounds, then {@code samples} rounds of every call in turn (so no call always runs
     * right after the same one). A route the server does not have is reported, not timed.
     */
    private List<Timing> measure(List<Call> calls, int warmup, int samples) throws Exception {
        Map<Call, String> outcome = new LinkedHashMap<>();
        for (Call c : calls) {
            HttpResponse<String> r = get(c.path());
            outcome.put(c, missingRoute(r) ? "missing route" : r.statusCode() == 200 ? "ok" : "HTTP " + r.statusCode() + " " + abbreviate(r.body()));
        }
        List<Call> live = calls.stream().filter(c -> outcome.get(c).equals("ok")).toList();
        for (int i = 0; i < warmup; i++) {
            for (Call c : live) get(c.path());
        }
        Map<Call, double[]> ms = new HashMap<>();
        live.forEach(c -> ms.put(c, new double[samples]));
        for (int i = 0; i < samples; i++) {
            for (Call c : live) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = get(c.path());
                ms.get(c)[i] = (System.nanoTime() - t0) / 1e6;
                if (r.statusCode() != 200) throw new IllegalStateException(c.path() + " answered " + r.statusCode() + ": " + r.body());
            }
        }
        List<Timing> out = new ArrayList<>();
        for (Call c : calls) {
            double[] v = ms.get(c);
            if (v == null) out.add(new Timing(c, outcome.get(c), Double.NaN, Double.NaN, Double.NaN));
            else out.add(new Timing(c, "ok", BurnDown.percentile(v, 50), BurnDown.percentile(v, 95), BurnDown.percentile(v, 100)));
        }
        return out;
    }

    /** What the dead-letter view costs in the store itself, whatever scan its route uses. */
    private static void storeCalls(JobStore store, int warmup, int samples) {
        System.out.printf(Locale.ROOT, "%nin-process store calls (no HTTP):%n");
        for (int scan : List.of(1_000, 10_000, 50_000)) {
            for (int i = 0; i < warmup; i++) store.failureGroups(scan, 50);
            double[] v = new double[samples];
            for (int i = 0; i < samples; i++) {
                long t0 = System.nanoTime();
                store.failureGroups(scan, 50);
                v[i] = (System.nanoTime() - t0) / 1e6;
            }
            System.out.printf(Locale.ROOT, "%-34s %9.2f %9.2f %9.2f%n", "failureGroups(scan=" + scan + ")",
                    BurnDown.percentile(v, 50), BurnDown.percentile(v, 95), BurnDown.percentile(v, 100));
        }
    }

    /** No such route: 404 "no route", or a fixed path taken for a job id by /api/jobs/{id}. */
    private static boolean missingRoute(HttpResponse<String> r) {
        return (r.statusCode() == 404 && r.body().contains("no route")) || (r.statusCode() == 400 && r.body().contains("is not a job id"));
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }

    private static void print(List<Timing> timings, int samples, double targetMs) {
        System.out.printf(Locale.ROOT, "%n%d samples per call over HTTP; PASS = p95 <= %.0f ms%n", samples, targetMs);
        System.out.printf(Locale.ROOT, "%-34s %9s %9s %9s %10s  %s%n", "call", "p50 ms", "p95 ms", "max ms", "p95/target", "verdict");
        int failed = 0;
        int missing = 0;
        for (Timing t : timings) {
            if (!t.outcome().equals("ok")) {
                if (t.outcome().equals("missing route")) missing++;
                else failed++;
                System.out.printf(Locale.ROOT, "%-34s %9s %9s %9s %10s  %s (%s)%n", t.call().name(), "-", "-", "-", "-",
                        t.outcome().equals("missing route") ? "MISSING ROUTE" : "FAIL", t.call().path() + ": " + t.outcome());
                continue;
            }
            boolean pass = t.p95() <= targetMs;
            if (!pass) failed++;
            System.out.printf(Locale.ROOT, "%-34s %9.2f %9.2f %9.2f %10.2f  %s%n", t.call().name(), t.p50(), t.p95(), t.max(),
                    t.p95() / targetMs, pass ? "PASS" : "FAIL");
        }
        System.out.printf(Locale.ROOT, "%d calls: %d FAIL, %d missing routes%n", timings.size(), failed, missing);
    }
}
