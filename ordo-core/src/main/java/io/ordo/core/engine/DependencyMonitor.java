package io.ordo.core.engine;

import io.ordo.core.OrdoConfig;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.DependencyStore.Release;
import io.ordo.core.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Releases jobs that wait on other jobs ({@code depends_on}). The node where a job ends is told
 * ({@link #ended}) — the same path by which the {@link JobMonitor} hears of a child's end — and
 * evaluates the jobs depending on it, found through the store's index by dependency; the store
 * moves each atomically, so two nodes evaluating the same dependant release it once. A skipped
 * dependant ends in turn, so skipping runs down a chain. A periodic sweep on the leader re-evaluates
 * every job still waiting on dependencies, in pages: it covers a node that died between a
 * dependency's end and the release, and any end no node reported.
 */
public final class DependencyMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DependencyMonitor.class);
    static final int SWEEP_PAGE = 500;
    /** At most this many ended jobs are looked up in one query. */
    static final int BATCH = 500;

    /** A job that ended (look up its dependants) or a dependant to evaluate. */
    private record Task(UUID id, boolean dependant) {
    }

    private final OrdoConfig config;
    private final JobStore store;
    private final Consumer<List<Job>> released;
    private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Set<Task> queued = ConcurrentHashMap.newKeySet();
    private final Signal sweepSignal = new Signal();
    private volatile BooleanSupplier sweepWhen = () -> true;
    private volatile boolean stopping;
    private Thread worker;
    private Thread sweeper;

    /** @param released told of every job this node moved to pending (to publish it and wake workers) */
    public DependencyMonitor(OrdoConfig config, JobStore store, Consumer<List<Job>> released) {
        this.config = config;
        this.store = store;
        this.released = released;
    }

    public void start() {
        worker = Thread.ofVirtual().name("ordo-deps").start(this::work);
        sweeper = Thread.ofVirtual().name("ordo-deps-sweep").start(this::sweepLoop);
    }

    /** Runs the sweep only while {@code when} holds (on the cluster's leader). */
    public void sweepWhen(BooleanSupplier when) {
        this.sweepWhen = when;
    }

    /** A job reached a terminal state: its dependants are evaluated soon. */
    public void ended(UUID jobId) {
        offer(new Task(jobId, false));
    }

    /**
     * Jobs were just inserted: those still waiting on a job outside their batch are evaluated again
     * after the insert committed (that job may have ended while the insert was in flight). A job of
     * the batch could not end before the commit, and its end finds the committed dependants.
     */
    public void inserted(List<Job> created) {
        Set<String> batch = new java.util.HashSet<>();
        for (Job j : created) batch.add(j.id().toString());
        for (Job j : created) {
            if (!isWaitingOnDependencies(j)) continue;
            for (var on : j.meta().get("depends_on")) {
                if (!batch.contains(on.asText())) {
                    offer(new Task(j.id(), true));
                    break;
                }
            }
        }
    }

    /** A job that has not started and waits for the jobs it depends on (not a parent waiting on children). */
    public static boolean isWaitingOnDependencies(Job j) {
        return j.status() == JobStatus.WAITING && j.attempt() == 0 && j.meta().has("depends_on");
    }

    private void offer(Task t) {
        if (queued.add(t)) queue.add(t);
    }

    private void work() {
        while (!stopping) {
            Task first;
            try {
                first = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) continue;
            // one indexed lookup for every job that ended meanwhile: a busy node does not pay a query per job
            List<Task> batch = new java.util.ArrayList<>(List.of(first));
            queue.drainTo(batch, BATCH - 1);
            batch.forEach(queued::remove);
            List<UUID> ended = new java.util.ArrayList<>();
            for (Task t : batch) {
                if (t.dependant()) evaluateQuietly(t.id());
                else ended.add(t.id());
            }
            if (ended.isEmpty()) continue;
            try {
                dependantsOf(ended);
            } catch (RuntimeException e) {
                log.warn("evaluating the dependants of {} ended jobs failed; the sweep will do it again", ended.size(), e);
            }
        }
    }

    private void evaluateQuietly(UUID id) {
        try {
            evaluate(id);
        } catch (RuntimeException e) {
            log.warn("evaluating job {} failed; the sweep will do it again", id, e);
        }
    }

    /** Evaluates, on this thread, every job waiting on one of {@code jobIds}. */
    public void dependantsOf(java.util.Collection<UUID> jobIds) {
        for (UUID d : store.dependants(jobIds)) evaluateQuietly(d);
    }

    /** Evaluates one dependant now, on this thread; returns what the store did. */
    public Release evaluate(UUID dependant) {
        Release r = store.release(dependant, config.clock().instant());
        if (r.moved() == JobStatus.PENDING) {
            log.debug("job {}: dependencies completed, pending", dependant);
            released.accept(List.of(r.job().orElseThrow()));
        } else if (r.moved() == JobStatus.SKIPPED) {
            log.info("job {} skipped: {}", dependant, r.job().map(Job::error).orElse(""));
            ended(dependant); // its own dependants skip in turn
        }
        return r;
    }

    private void sweepLoop() {
        while (!stopping) {
            sweepSignal.await(config.monitorSweep());
            if (stopping) return;
            if (!sweepWhen.getAsBoolean()) continue;
            try {
                sweep();
            } catch (RuntimeException e) {
                log.warn("dependency sweep failed; retrying in {}", config.monitorSweep(), e);
            }
        }
    }

    /** Re-evaluates every job still waiting on dependencies, a page at a time. */
    public void sweep() {
        UUID after = null;
        while (!stopping) {
            List<UUID> page = store.waitingOnDependencies(after, SWEEP_PAGE);
            for (UUID id : page) evaluate(id);
            if (page.size() < SWEEP_PAGE) return;
            after = page.get(page.size() - 1);
        }
    }

    @Override
    public void close() {
        stopping = true;
        sweepSignal.wake();
        for (Thread t : new Thread[]{worker, sweeper}) {
            if (t == null) continue;
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
