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
 * The engine's housekeeping: promote due scheduled jobs, take back jobs whose lease expired, queue
 * webhook deliveries, prune old terminal jobs and expired results. Its loop runs on the cluster's
 * leader only ({@link Leadership}); each step is a fenced store operation besides, so a pass run
 * by hand (the {@code maintenance} action, tests) beside the leader's does no harm.
 */
public final class Maintenance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Maintenance.class);
    private static final int BATCH = 1000;

    private final OrdoConfig config;
    private final JobStore store;
    private final RetryPolicy retry;
    private final Runnable onPromoted;
    private final java.util.function.BooleanSupplier leading;
    private final Consumer<Job> onJobEnded;
    private final Signal signal = new Signal();
    private volatile Instant plannedWake = Instant.MAX;
    private volatile boolean stopping;
    private Thread thread;
    private Instant nextPrune = Instant.MIN;

    /** @param onPromoted called when jobs became pending (wake the workers) */
    public Maintenance(OrdoConfig config, JobStore store, RetryPolicy retry, Runnable onPromoted, Consumer<Job> onJobEnded,
                       java.util.function.BooleanSupplier leading) {
        this.leading = leading;
        this.onJobEnded = onJobEnded;
        this.config = config;
        this.store = store;
        this.retry = retry;
        this.onPromoted = onPromoted;
    }

    public void start() {
        thread = Thread.ofVirtual().name("ordo-maintenance").start(this::loop);
    }

    /** Wakes the loop now (this node became leader). */
    public void wake() {
        signal.wake();
    }

    /** A job becomes due at {@code at}: wake up then if that is sooner than planned. */
    public void wakeAt(Instant at) {
        if (at.isBefore(plannedWake)) signal.wake();
    }

    private void loop() {
        while (!stopping) {
            Instant now = config.clock().instant();
            boolean lead = leading.getAsBoolean();
            try {
                if (lead) runOnce(now);
            } catch (RuntimeException e) {
                log.error("maintenance pass failed; retrying in {}", config.maintenanceInterval(), e);
            }
            // a follower wakes each interval to see whether it leads now; jobs that another node
            // schedules reach the leader's plan within the interval
            Instant wake = now.plus(config.maintenanceInterval());
            if (lead) wake = nextDue(wake);
            plannedWake = wake;
            Duration d = Duration.between(config.clock().instant(), wake);
            if (!d.isNegative() && !d.isZero()) signal.await(d);
            plannedWake = Instant.MAX;
        }
    }

    private Instant nextDue(Instant wake) {
        try {
            Instant next = store.nextScheduledAt().orElse(Instant.MAX);
            return next.isBefore(wake) ? next : wake;
        } catch (RuntimeException e) {
            log.debug("reading the next scheduled job failed", e);
            return wake;
        }
    }

    /** One pass of every task; public for tests and the {@code maintenance} action. */
    public void runOnce(Instant now) {
        int promoted = 0;
        int n;
        do {
            n = store.promoteDue(now, BATCH);
            promoted += n;
        } while (n == BATCH && !stopping && leading.getAsBoolean());
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
        } while (expired.size() == BATCH && !stopping && leading.getAsBoolean());
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
        } while (n == config.pruneBatch() && !stopping && leading.getAsBoolean());
        int expired = store.expireResults(now, Integer.MAX_VALUE);
        int batch = config.pruneBatch();
        int deleted;
        do { // saved results in bounded batches, like pruning
            deleted = store.deleteExpiredResults(now, batch);
            expired += deleted;
        } while (deleted == batch && !stopping && leading.getAsBoolean());
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
