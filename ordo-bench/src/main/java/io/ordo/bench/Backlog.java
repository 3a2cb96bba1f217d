package io.ordo.bench;

import io.ordo.core.Ordo;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * Backlog drain: N pending no-op jobs submitted (through the public API, in batches) before the
 * workers start, then the workers drain them; the rate is reported per segment of the backlog, with
 * a few dashboard-like reads timed at each segment boundary. Does the rate hold as the table of done
 * jobs grows and the pending ones shrink? Usage:
 * <pre>
 *   java -jar ordo-bench/target/ordo-bench.jar backlog [--jobs 1000000] [--segment 100000] [--store postgres|sqlite]
 *        [--batch 1000] [--concurrency 200] [--claim-batch 100] [--claimers 2] [--writers 2]
 * </pre>
 */
final class Backlog {
    private Backlog() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>(Map.of("jobs", "1000000", "segment", "100000", "store", "postgres", "batch", "1000",
                "concurrency", "200", "claim-batch", "100", "claimers", "2", "writers", "2"));
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length || !opt.containsKey(args[i].substring(2))) {
                System.err.println("ordo-bench backlog: unknown or incomplete option '" + args[i] + "'; options: " + opt.keySet());
                System.exit(2);
            }
            opt.put(args[i].substring(2), args[++i]);
        }
        int jobs = Integer.parseInt(opt.get("jobs"));
        int segment = Integer.parseInt(opt.get("segment"));
        int batch = Integer.parseInt(opt.get("batch"));
        BenchStore store = switch (opt.get("store")) {
            case "sqlite" -> BenchStore.sqlite();
            case "postgres", "postgresql" -> BenchStore.postgres();
            default -> throw new IllegalArgumentException("unknown store " + opt.get("store") + " (sqlite, postgres)");
        };
        System.out.printf(Locale.ROOT, "Ordo backlog drain on %s: %,d no-op jobs submitted before the workers start, segments of %,d; "
                        + "%s slots, claim batch %s; %d cores, Java %s%n", store.name(), jobs, segment, opt.get("concurrency"),
                opt.get("claim-batch"), Runtime.getRuntime().availableProcessors(), Runtime.version());
        try (Ordo ordo = Ordo.create(BurnDown.config(store, Integer.parseInt(opt.get("concurrency")), Integer.parseInt(opt.get("claim-batch")),
                Integer.parseInt(opt.get("claimers")), Integer.parseInt(opt.get("writers"))))) {
            UUID probe = fill(ordo, jobs, batch);
            drain(ordo, jobs, segment, probe);
        } finally {
            store.drop();
        }
    }

    /** Submits the backlog with no worker running; returns the id of one job in it, for the point reads. */
    private static UUID fill(Ordo ordo, int jobs, int batch) {
        List<JobRequest> chunk = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) chunk.add(JobRequest.of("noop"));
        UUID some = null;
        long t0 = System.nanoTime();
        int reportEvery = Math.max(batch, jobs / 10);
        for (int sent = 0; sent < jobs; ) {
            List<Job> got = ordo.jobs().submitBatch(sent + batch <= jobs ? chunk : chunk.subList(0, jobs - sent));
            if (some == null) some = got.get(0).id();
            int before = sent;
            sent += got.size();
            if (sent / reportEvery > before / reportEvery || sent == jobs) {
                System.out.printf(Locale.ROOT, "  filled %,d (%,.0f jobs/s)%n", sent, sent / ((System.nanoTime() - t0) / 1e9));
            }
        }
        return some;
    }

    private static void drain(Ordo ordo, int jobs, int segment, UUID probe) throws Exception {
        int segments = (jobs + segment - 1) / segment;
        double[] rates = new double[segments];
        System.out.printf(Locale.ROOT, "%n  %-19s %12s %8s   %s%n", "segment", "jobs/s", "of first", "reads at its end, ms: stats / list newest 50 / list pending 50 / get one");
        long t0 = System.nanoTime();
        ordo.start();
        long lastT = t0;
        long lastDone = 0;
        int seg = 0;
        while (seg < segments) {
            Thread.sleep(10);
            long done = ordo.jobs().stats().count(JobStatus.COMPLETED);
            long bound = Math.min((long) (seg + 1) * segment, jobs);
            if (done < bound) continue;
            long now = System.nanoTime();
            // the count is read every 10 ms, so a segment ends a little past its bound: divide by what was done
            double rate = (done - lastDone) / ((now - lastT) / 1e9);
            // one poll may pass more than one bound (tiny segments): those segments share the rate
            do rates[seg++] = rate; while (seg < segments && done >= Math.min((long) (seg + 1) * segment, jobs));
            System.out.printf(Locale.ROOT, "  %,8d-%,-10d %,12.0f %8.2f   %s%n", lastDone, done, rate, rate / rates[0], reads(ordo, probe));
            lastT = now;
            lastDone = done;
        }
        double total = jobs / ((System.nanoTime() - t0) / 1e9);
        double first = rates[0];
        double last = rates[segments - 1];
        double min = first;
        double max = first;
        for (double r : rates) {
            min = Math.min(min, r);
            max = Math.max(max, r);
        }
        System.out.printf(Locale.ROOT, "%nwhole drain %,.0f jobs/s; first segment %,.0f, last %,.0f: last/first = %.2f, slowest/first = %.2f, last/fastest = %.2f%n",
                total, first, last, last / first, min / first, last / max);
        // the first segment also pays for starting the workers and warming up the JIT, which flatters last/first
        System.out.println("(the first segment includes starting the workers and the JIT's warm-up; last/fastest shows the drop from the best segment)");
        System.out.println(last / first >= 0.8
                ? "the drain holds >= 80% of its starting rate to the end: YES"
                : "the drain holds >= 80% of its starting rate to the end: NO (the last segment ran at " + Math.round(100 * last / first) + "% of the first)");
    }

    /** A few reads a dashboard makes while the backlog drains, each timed once. */
    private static String reads(Ordo ordo, UUID probe) throws Exception {
        return String.format(Locale.ROOT, "%.1f / %.1f / %.1f / %.1f", ms(() -> ordo.jobs().stats()),
                ms(() -> ordo.jobs().list(JobFilter.ALL, null, 50)),
                ms(() -> ordo.jobs().list(JobFilter.status(JobStatus.PENDING), null, 50)), ms(() -> ordo.jobs().get(probe)));
    }

    private static double ms(Callable<?> call) throws Exception {
        long t = System.nanoTime();
        call.call();
        return (System.nanoTime() - t) / 1e6;
    }
}
