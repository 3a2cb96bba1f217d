package io.ordo.bench;

import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.limits.LimitScope;
import io.ordo.core.limits.Rate;
import io.ordo.core.model.JobRequest;
import io.ordo.core.ops.LimitUpdate;
import io.ordo.core.util.Durations;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How closely a stored rate limit holds: several nodes (each its own {@link Ordo} with its own
 * connection pool) drain a backlog of no-op jobs on a queue limited to {@code --rate N/DURATION};
 * afterwards the jobs' start times are counted per rate window. Usage:
 * <pre>
 *   ordo-bench/bench rate-limit [--rate 50/10s] [--duration 60s] [--nodes 3] [--concurrency 8] [--store postgres|sqlite]
 * </pre>
 * It reports the claims in each whole window, the largest (which must not pass N) and the achieved
 * rate over the whole windows against the setting.
 */
final class RateLimitBench {
    private RateLimitBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>(Map.of("rate", "50/10s", "duration", "60s", "nodes", "3", "concurrency", "8",
                "store", "postgres"));
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length || !opt.containsKey(args[i].substring(2))) {
                System.err.println("ordo-bench rate-limit: unknown or incomplete option '" + args[i] + "'; options: " + opt.keySet());
                System.exit(2);
            }
            opt.put(args[i].substring(2), args[++i]);
        }
        Rate rate = Rate.parse(opt.get("rate"));
        Duration duration = Durations.parse("--duration", opt.get("duration"));
        int nodes = Integer.parseInt(opt.get("nodes"));
        int concurrency = Integer.parseInt(opt.get("concurrency"));
        BenchStore store = switch (opt.get("store")) {
            case "sqlite" -> BenchStore.sqlite();
            case "postgres", "postgresql" -> BenchStore.postgres();
            default -> throw new IllegalArgumentException("unknown store " + opt.get("store") + " (sqlite, postgres)");
        };
        long windows = Math.max(1, duration.toMillis() / rate.windowMillis());
        int backlog = (int) Math.min(Integer.MAX_VALUE, (windows + 2) * rate.n() * 2);
        System.out.printf(Locale.ROOT, "Ordo rate limit %s on %s: %d nodes x %d slots drain a backlog of %,d no-op jobs for %s; %d cores, Java %s%n",
                rate, store.name(), nodes, concurrency, backlog, Durations.format(duration), Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        List<Ordo> cluster = new ArrayList<>();
        Instant start;
        Instant end;
        try {
            for (int i = 0; i < nodes; i++) {
                OrdoConfig c = OrdoConfig.defaults().storeUrl(store.url()).queue("limited", concurrency).nodeId("rate-node-" + i);
                store.properties().forEach(c::storeProperty);
                cluster.add(Ordo.create(c));
            }
            Ordo first = cluster.get(0);
            first.queues().setLimit(LimitScope.QUEUE, "limited",
                    new LimitUpdate(LimitUpdate.Field.keep(), LimitUpdate.Field.keep(), LimitUpdate.Field.set(rate)));
            List<JobRequest> chunk = new ArrayList<>();
            for (int i = 0; i < 1000; i++) chunk.add(JobRequest.of("noop").queue("limited"));
            for (int sent = 0; sent < backlog; sent += chunk.size()) first.jobs().submitBatch(chunk.subList(0, Math.min(chunk.size(), backlog - sent)));
            start = Instant.now();
            for (Ordo o : cluster) o.start();
            Thread.sleep(duration.toMillis()); // the run itself: the nodes claim meanwhile
            end = Instant.now();
        } finally {
            cluster.forEach(Ordo::close);
        }
        try {
            report(rate, store, start, end);
        } finally {
            store.drop();
        }
    }

    private static void report(Rate rate, BenchStore store, Instant start, Instant end) throws Exception {
        long w = rate.windowMillis();
        long firstWhole = Math.floorDiv(start.toEpochMilli(), w) * w + w; // the window the run started in is partial
        long endWhole = Math.floorDiv(end.toEpochMilli(), w) * w;
        TreeMap<Long, Long> perWindow = new TreeMap<>();
        for (long t = firstWhole; t < endWhole; t += w) perWindow.put(t, 0L);
        long outside = 0;
        for (Instant s : startTimes(store)) {
            long win = Math.floorDiv(s.toEpochMilli(), w) * w;
            if (perWindow.containsKey(win)) perWindow.merge(win, 1L, Long::sum);
            else outside++;
        }
        if (perWindow.isEmpty()) {
            System.out.println("the run held no whole window: run it for longer than two windows");
            return;
        }
        System.out.printf(Locale.ROOT, "%n  %-24s %8s%n", "window (UTC)", "claims");
        long total = 0;
        long max = 0;
        long min = Long.MAX_VALUE;
        for (Map.Entry<Long, Long> e : perWindow.entrySet()) {
            System.out.printf(Locale.ROOT, "  %-24s %8d%n", Instant.ofEpochMilli(e.getKey()), e.getValue());
            total += e.getValue();
            max = Math.max(max, e.getValue());
            min = Math.min(min, e.getValue());
        }
        int n = perWindow.size();
        double expected = (double) n * rate.n();
        double perMinute = total / (n * w / 60_000.0);
        System.out.printf(Locale.ROOT, "%n%d whole windows of %s: %,d claims, %.1f%% of the %,.0f the rate allows (%.1f per minute against %.1f); "
                        + "per window min %d, max %d (limit %d); %d claims outside the whole windows (the partial ones at either end, and while the nodes shut down)%n",
                n, Durations.format(rate.window()), total, 100.0 * total / expected, expected, perMinute,
                rate.n() * 60_000.0 / w, min, max, rate.n(), outside);
        boolean within = Math.abs(total - expected) <= 0.10 * expected && max <= rate.n();
        System.out.println("within 10% of the setting and never over it in a window: " + (within ? "YES" : "NO"));
    }

    /** Start times of every job that was claimed, read straight from the store's table. */
    private static List<Instant> startTimes(BenchStore store) throws Exception {
        List<Instant> out = new ArrayList<>();
        String table = store.jdbcBase() == null ? "ordo_jobs" : "\"" + store.properties().get("schema") + "\".ordo_jobs";
        try (Connection c = store.jdbcBase() == null ? DriverManager.getConnection(store.url())
                : DriverManager.getConnection(store.jdbcBase(), "postgres", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT started_at FROM " + table + " WHERE started_at IS NOT NULL")) {
            while (rs.next()) {
                Object v = rs.getObject(1);
                out.add(v instanceof Number ms ? Instant.ofEpochMilli(ms.longValue()) : rs.getTimestamp(1).toInstant());
            }
        }
        return out;
    }
}
