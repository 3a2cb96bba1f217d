package io.ordo.bench;

import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Burn-down benchmark: submit N no-op jobs in batches (enqueue rate), start the workers and run
 * them all until the store confirms every one completed (end-to-end rate), then measure idle
 * enqueue-to-start latency one job at a time.
 *
 * <pre>
 *   java -jar ordo-bench/target/ordo-bench.jar burn-down --store sqlite|postgres [--jobs N] ...
 * </pre>
 */
public final class BurnDown {
    record Result(String store, int jobs, double enqueuePerSec, double endToEndPerSec, double p50Ms, double p99Ms) {
    }

    private BurnDown() {
    }

    static Result run(BenchStore store, int jobs, int batch, int concurrency, int claimBatch, int latencySamples,
                      int claimers, int writers, String queueBackend) throws Exception {
        LatencyProbe probe = new LatencyProbe();
        OrdoConfig config = config(store, concurrency, claimBatch, claimers, writers).handler(probe).queueBackend(queueBackend);
        try (Ordo ordo = Ordo.create(config)) {
            List<JobRequest> chunk = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) chunk.add(JobRequest.of("noop"));
            long t0 = System.nanoTime();
            for (int sent = 0; sent < jobs; sent += batch) {
                ordo.jobs().submitBatch(sent + batch <= jobs ? chunk : chunk.subList(0, jobs - sent));
            }
            double enqueueSec = (System.nanoTime() - t0) / 1e9;

            long t1 = System.nanoTime();
            ordo.start();
            // poll the store (counters, not a scan) every few ms: spinning would steal a core from the workers
            while (ordo.jobs().stats().count(JobStatus.COMPLETED) < jobs) Thread.sleep(5);
            double runSec = (System.nanoTime() - t1) / 1e9;

            double[] latencies = probe.measure(ordo, latencySamples);
            return new Result(store.name(), jobs, jobs / enqueueSec, jobs / runSec, percentile(latencies, 50), percentile(latencies, 99));
        }
    }

    /** The engine as the benchmarks run it: one queue, the store's own properties (PostgreSQL: its schema). */
    static OrdoConfig config(BenchStore store, int concurrency, int claimBatch, int claimers, int writers) {
        OrdoConfig config = OrdoConfig.defaults().storeUrl(store.url()).queue("default", concurrency).claimBatch(claimBatch)
                .poll(Duration.ofMillis(200)).retention(Duration.ofDays(1)).pipelines(claimers, writers);
        store.properties().forEach(config::storeProperty);
        return config;
    }

    static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(idx, sorted.length - 1))];
    }

    static String format(Result r) {
        return String.format(Locale.ROOT, "%-10s jobs=%-7d enqueue=%,10.0f jobs/s   end-to-end=%,9.0f jobs/s   idle start latency p50=%.2f ms p99=%.2f ms",
                r.store(), r.jobs(), r.enqueuePerSec(), r.endToEndPerSec(), r.p50Ms(), r.p99Ms());
    }
}
