package io.ordo.core.engine;

import io.ordo.core.store.Completion;
import io.ordo.core.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.ordo.core.model.JobStatus;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit for completions: handlers hand their success here and one writer stores whatever
 * has queued up in one statement. No artificial delay: while a write runs, the next batch forms.
 * A job whose completion is lost in a crash is retried after its lease expires (at-least-once).
 */
final class CompletionBatcher {
    private static final Logger log = LoggerFactory.getLogger(CompletionBatcher.class);

    private final JobStore store;
    private final java.util.function.BiConsumer<List<Completion>, Map<UUID, JobStatus>> onStored;
    private final int maxBatch;
    private final LinkedBlockingQueue<Completion> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean stopping;
    private final Object idle = new Object();
    private int inFlight;

    /** @param writers parallel writers: while one waits for its commit, the next batch is written */
    CompletionBatcher(JobStore store, int maxBatch, int writers, java.util.function.BiConsumer<List<Completion>, Map<UUID, JobStatus>> onStored) {
        this.store = store;
        this.onStored = onStored;
        this.maxBatch = maxBatch;
        for (int i = 0; i < writers; i++) this.writers.add(Thread.ofVirtual().name("ordo-completer-" + i).unstarted(this::loop));
    }

    void start() {
        writers.forEach(Thread::start);
    }

    void add(Completion c) {
        synchronized (idle) {
            inFlight++;
        }
        queue.add(c);
    }

    private void loop() {
        List<Completion> batch = new ArrayList<>(maxBatch);
        int failures = 0;
        while (!stopping || !queue.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    Completion first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) continue;
                    batch.add(first);
                    queue.drainTo(batch, maxBatch - 1);
                }
                Map<UUID, JobStatus> done = store.complete(batch);
                try {
                    onStored.accept(batch, done);
                } catch (RuntimeException e) {
                    log.warn("after storing {} completions", batch.size(), e);
                }
                if (done.size() < batch.size()) {
                    for (Completion c : batch) {
                        if (!done.containsKey(c.lease().jobId())) {
                            log.warn("job {}: completed, but its lease (attempt {}) was lost before the result was stored; another attempt owns it",
                                    c.lease().jobId(), c.lease().attempt());
                        }
                    }
                }
                settled(batch.size());
                batch.clear();
                failures = 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failures++;
                log.error("storing {} completions failed (try {}); retrying", batch.size(), failures, e);
                if (stopping && failures >= 5) {
                    log.error("giving up on {} completions at shutdown; those jobs will be retried after their leases expire", batch.size());
                    settled(batch.size());
                    batch.clear();
                    continue;
                }
                sleepQuietly(Duration.ofMillis(Math.min(5000, 50L << Math.min(failures, 7))));
            }
        }
    }

    private void settled(int n) {
        synchronized (idle) {
            inFlight -= n;
            idle.notifyAll();
        }
    }

    /** Waits until every completion handed in so far is stored (or given up), then stops the writer. */
    void close(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (idle) {
            while (inFlight > 0 && System.nanoTime() < deadline) {
                try {
                    idle.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        stopping = true;
        for (Thread writer : writers) {
            try {
                writer.join(max.toMillis() + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
