package io.ordo.bench;

import io.ordo.core.Ordo;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.JobRequest;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Idle enqueue-to-start latency with nanosecond clocks in this process: the time from calling
 * submit to the handler starting, one job at a time on an otherwise idle node.
 */
final class LatencyProbe implements JobHandler {
    private final Map<Long, CompletableFuture<Long>> started = new ConcurrentHashMap<>();

    @Override
    public String type() {
        return "latency-probe";
    }

    @Override
    public Object run(JobContext ctx) {
        long now = System.nanoTime();
        CompletableFuture<Long> f = started.get(ctx.payload().get("n").asLong());
        if (f != null) f.complete(now);
        return null;
    }

    double[] measure(Ordo ordo, int samples) throws Exception {
        double[] ms = new double[samples];
        for (int i = 0; i < samples; i++) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            started.put((long) i, f);
            long t0 = System.nanoTime();
            ordo.jobs().submit(JobRequest.of(type()).payload(Map.of("n", i)));
            ms[i] = (f.get(30, TimeUnit.SECONDS) - t0) / 1e6;
            started.remove((long) i);
            Thread.sleep(10); // let the workers go idle before the next sample
        }
        return ms;
    }
}
