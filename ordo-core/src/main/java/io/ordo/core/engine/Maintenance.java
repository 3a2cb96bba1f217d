package io.ordo.core.engine;

import io.ordo.core.OrdoConfig;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.Failure;
import io.ordo.core.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * The engine's housekeeping, safe to run on every node at once (each step is a fenced store
 * operation): promote due scheduled jobs, take back jobs whose lease expired, prune old terminal
 * jobs and expired results.
 */
public final class Maintenance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);
    private static final int BATCH = 1000;

    private final OrdoConfig config;
    private final JobStore store;
    private final RetryPolicy retry;
    private final Runnable onPromoted;
    private final Consumer<Job> onJobEnded;
    private final Signal signal = new Signal();
    private volatile Instant plannedWake = Instant.MAX;
    private volatile boolean stopping;
    private Thread thread;
    private Instant nextPrune = Instant.MIN;

    /** @param onPromoted called when jobs became pending (wake the workers) */
    public Maintenance(OrdoConfig config, JobStore store, RetryPolicy retry, Runnable onPromoted, Consumer<Job> onJobEnded) {
        this.onJobEnded = onJobEnded;
        this.config = config;
        this.store = store;
        this.retry = retry;
        this.onPromoted = onPromoted;
    }

    public void start() {
        thread = Thread.ofVirtual().name("ordo-maintenance").start(this::loop);
    }

    /** A job becomes due at {@code at}: wake up then if that is sooner than planned. */
    public void wakeAt(Instant at) {
        if (at.isBefore(plannedWake)) signal.wake();
    }

    private void loop() {
        while (!stopping) {
            Instant now = config.clock().instant();
            try {
                runOnce(now);
            } catch (RuntimeException e) {
                log.error("maintenance pass failed; retrying in {}", config.maintenanceInterval(), e);
            }
            Instant wake = now.plus(config.maintenanceInterval());
            try {
                Instant next = store.nextScheduledAt().orElse(Instant.MAX);
                if (next.isBefore(wake)) wake = next;
            } catch (RuntimeException e) {
                log.debug("reading the next scheduled job failed", e);
            }
            plannedWake = wake;
            Duration d = Duration.between(config.clock().instant(), wake);
            if (!d.isNegative() && !d.isZero()) signal.await(d);
            plannedWake = Instant.MAX;
        }
    }

    /** One pass of every task; public for tests and the {@code maintenance} action. */
    public void runOnce(Instant now) {
        int promoted = 0;
        int n;
        do {
            n = store.promoteDue(now, BATCH);
            promoted += n;
        } while (n == BATCH && !stopping);
        if (promoted > 0) onPromoted.run();
        rescueExpired(now);
        queueWebhooks(now);
        if (!now.isBefore(nextPrune)) {
            nextPrune = now.plus(config.pruneInterval());
            prune(now);
        }
    }

    /** Jobs whose worker stopped renewing its lease: retry them (or fail them as abandoned). */
    public int rescueExpired(Instant now) {
        int rescued = 0;
        List<Job> expired;
        do {
            expired = store.expiredLeases(now, BATCH);
            for (Job job : expired) {
                AttemptError err = new AttemptError(job.attempt(), job.leaseOwner(), now, AttemptError.LEASE_EXPIRED,
                        "lease expired at " + job.leaseUntil() + ": worker " + job.leaseOwner() + " stopped renewing it (crashed, killed or stalled)"
                                + (job.attempt() >= job.maxAttempts() ? "; attempts used up, failed as abandoned" : ""));
                Failure f = retry.decide(job, err, now);
                if (store.rescue(job.lease(), f.next(), f.runAt(), err, now)) {
                    rescued++;
                    onJobEnded.accept(job);
                    log.warn("job {} attempt {}: {}", job.id(), job.attempt(), err.message());
                    if (f.next() == JobStatus.SCHEDULED) wakeAt(f.runAt());
                }
            }
        } while (expired.size() == BATCH && !stopping);
        if (rescued > 0) onPromoted.run();
        return rescued;
    }

    private volatile java.util.function.Consumer<io.ordo.core.queue.QueueMessage> webhookQueued = m -> { };

    /** Told of each webhook delivery job queued (pending), so a queue transport can carry it. */
    public void onWebhookQueued(java.util.function.Consumer<io.ordo.core.queue.QueueMessage> listener) {
        this.webhookQueued = listener;
    }

    /** Terminal jobs that name a webhook get their delivery job (once: the store guards it). */
    public int queueWebhooks(Instant now) {
        int queued = 0;
        for (Job j : store.webhooksDue(100)) {
            io.ordo.core.model.NewJob delivery = io.ordo.core.ops.Webhooks.delivery(j, now);
            if (store.queueWebhook(j.id(), delivery)) {
                queued++;
                webhookQueued.accept(new io.ordo.core.queue.QueueMessage(delivery.id(), delivery.queue(), delivery.type()));
            }
        }
        if (queued > 0) onPromoted.run();
        return queued;
    }

    public int prune(Instant now) {
        Instant cutoff = now.minus(config.retention());
        int total = 0;
        int n;
        do {
            n = store.prune(cutoff, config.pruneBatch());
            total += n;
        } while (n == config.pruneBatch() && !stopping);
        int expired = store.expireResults(now, Integer.MAX_VALUE);
        if (total > 0 || expired > 0) log.info("pruned {} jobs finished before {}; cleared {} expired results", total, cutoff, expired);
        return total;
    }

    @Override
    public void close() {
        stopping = true;
        signal.wake();
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
