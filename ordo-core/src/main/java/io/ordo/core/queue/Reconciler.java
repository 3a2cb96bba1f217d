package io.ordo.core.queue;

import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Page;
import io.ordo.core.store.AdminStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Finds jobs pending in the store whose message the broker does not hold (the broker restarted
 * without its data, the node died between commit and publish, a transactional submit committed by
 * the caller) and publishes them again. A queue is looked at only when the broker holds fewer
 * messages than the store has pending jobs. Where the transport can say which jobs it holds
 * (Redis), exactly the missing ones are published; where it cannot (RabbitMQ), as many of the jobs
 * pending longer than the grace period as are missing, and duplicates are dropped when received.
 * Jobs younger than the grace period are left alone: their publish may still be on its way.
 */
public final class Reconciler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    static final Duration GRACE = Duration.ofSeconds(5);
    private static final int PAGE = 500;
    private static final int MAX_SCAN = 50_000; // per queue and pass; the next pass goes on from there

    /** What one pass did. */
    public record Pass(int queuesLookedAt, long published) {
    }

    private final AdminStore store;
    private final QueueTransport transport;
    private final Clock clock;
    private final Duration interval;
    private final Consumer<List<QueueMessage>> publish;
    private final Channels channels;
    private final Map<String, String> cursors = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean soon;
    private volatile boolean stopping;
    private Thread thread;
    private final java.util.function.BooleanSupplier leading;

    Reconciler(AdminStore store, QueueTransport transport, Clock clock, Duration interval, Channels channels,
               Consumer<List<QueueMessage>> publish, java.util.function.BooleanSupplier leading) {
        this.leading = leading;
        this.store = store;
        this.channels = channels;
        this.transport = transport;
        this.clock = clock;
        this.interval = interval;
        this.publish = publish;
    }

    void start() {
        thread = Thread.ofVirtual().name("ordo-queue-reconciler").start(this::run);
    }

    /** A publish failed: look again after the grace period rather than a whole interval. */
    void soon() {
        lock.lock();
        try {
            soon = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        boolean first = true;
        while (!stopping) {
            if (!first) awaitNext();
            first = false;
            if (stopping) return;
            if (!leading.getAsBoolean()) continue;
            try {
                Pass p = pass();
                if (p.published() > 0) log.info("reconciler: published {} pending job(s) again that {} did not hold", p.published(), transport.describe());
            } catch (RuntimeException e) {
                log.warn("reconciling the queue with {} failed: {}", transport.describe(), e.getMessage());
            }
        }
    }

    private void awaitNext() {
        lock.lock();
        try {
            long nanos = interval.toNanos();
            while (!stopping && nanos > 0 && !soon) nanos = wake.awaitNanos(nanos);
            if (soon && !stopping) {
                soon = false;
                wake.await(grace().toMillis(), TimeUnit.MILLISECONDS); // let the publishes in flight land
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            lock.unlock();
        }
    }

    /** Jobs pending for less than this may have their publish on its way: 5 s, or half the interval when that is shorter. */
    Duration grace() {
        Duration half = interval.dividedBy(2);
        return half.compareTo(GRACE) < 0 ? half : GRACE;
    }

    /** One look at every queue with pending jobs. */
    public synchronized Pass pass() {
        int looked = 0;
        long published = 0;
        Instant staleBefore = clock.instant().minus(grace());
        for (Map.Entry<String, Map<JobStatus, Long>> q : store.counts().entrySet()) {
            long pending = q.getValue().getOrDefault(JobStatus.PENDING, 0L);
            if (pending == 0) {
                cursors.remove(q.getKey());
                continue;
            }
            String queue = q.getKey();
            long held = transport.count(queue, channels.of(queue, Set.of()));
            if (held >= pending) continue;
            looked++;
            published += repair(queue, pending - held, staleBefore);
        }
        return new Pass(looked, published);
    }

    private long repair(String queue, long missing, Instant staleBefore) {
        long published = 0;
        int scanned = 0;
        String cursor = cursors.get(queue);
        boolean exact = true;
        while (scanned < MAX_SCAN && (exact || published < missing)) {
            Page<Job> page = store.list(new JobFilter(Set.of(JobStatus.PENDING), queue, null, null, null), cursor, PAGE);
            scanned += page.items().size();
            Map<String, List<Job>> byType = new HashMap<>();
            for (Job j : page.items()) {
                channels.note(queue, j.type());
                if (j.updatedAt() == null || j.updatedAt().isBefore(staleBefore)) byType.computeIfAbsent(j.type(), t -> new ArrayList<>()).add(j);
            }
            List<QueueMessage> again = new ArrayList<>();
            for (Map.Entry<String, List<Job>> e : byType.entrySet()) {
                List<UUID> ids = e.getValue().stream().map(Job::id).toList();
                var heldIds = transport.held(queue, e.getKey(), ids);
                if (heldIds.isEmpty()) exact = false;
                for (Job j : e.getValue()) {
                    if (heldIds.isPresent() ? !heldIds.get().contains(j.id()) : published + again.size() < missing) {
                        again.add(new QueueMessage(j.id(), queue, j.type()));
                    }
                }
            }
            publish.accept(again);
            published += again.size();
            cursor = page.nextCursor();
            if (cursor == null) break;
        }
        if (cursor == null) cursors.remove(queue);
        else cursors.put(queue, cursor);
        return published;
    }

    @Override
    public void close() {
        stopping = true;
        soon();
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
