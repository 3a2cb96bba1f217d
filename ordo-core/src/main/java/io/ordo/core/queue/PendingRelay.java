package io.ordo.core.queue;

import io.ordo.core.event.EventTypes;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.store.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Publishes every move of a job to pending that the store committed, whatever made it (a retry, the
 * promotion of a delayed job, the rescue of an expired lease, a hand-back, a restart, any node): it
 * follows the store's event log, where each status change is written in the transaction that
 * makes it, so it sees exactly the committed moves. It runs on the cluster's leader only, and starts
 * at the log's end when its node becomes leader; what happened before is the reconciler's to find.
 */
final class PendingRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PendingRelay.class);
    private static final int PAGE = 1_000;

    private final EventStore store;
    private final Consumer<List<QueueMessage>> publish;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean woken;
    private volatile boolean stopping;
    private Thread thread;
    private final java.util.function.BooleanSupplier leading;
    private long cursor = -1;

    PendingRelay(EventStore store, Consumer<List<QueueMessage>> publish, java.util.function.BooleanSupplier leading) {
        this.store = store;
        this.publish = publish;
        this.leading = leading;
    }

    void start() {
        store.onEventsAppended(this::wake);
        thread = Thread.ofVirtual().name("ordo-queue-relay").start(this::run);
    }

    void wake() {
        lock.lock();
        try {
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        int errors = 0;
        while (!stopping) {
            try {
                if (!leading.getAsBoolean()) {
                    cursor = -1;
                    await(1_000);
                    continue;
                }
                // a new leader starts at the log's end: moves made while no node relayed are the reconciler's
                if (cursor < 0) cursor = store.lastEventId();
                List<StoredEvent> page = store.eventsAfter(cursor, PAGE);
                errors = 0;
                if (!page.isEmpty()) {
                    List<QueueMessage> ready = new ArrayList<>();
                    for (StoredEvent e : page) {
                        QueueMessage m = pending(e);
                        if (m != null) ready.add(m);
                    }
                    publish.accept(ready); // never throws: a failed publish is the reconciler's
                    cursor = page.get(page.size() - 1).id();
                    if (page.size() == PAGE) continue;
                }
            } catch (RuntimeException e) {
                errors++;
                log.warn("reading the event log for jobs that became pending failed (try {}): {}", errors, e.getMessage());
            }
            await(errors == 0 ? 1_000 : Math.min(10_000, 200L << Math.min(errors, 6)));
        }
    }

    /** The message for a status change to pending, else null. */
    static QueueMessage pending(StoredEvent e) {
        var ev = e.event();
        if (!EventTypes.JOB_STATUS_CHANGE.equals(ev.type()) || ev.jobId() == null) return null;
        Object status = ev.payload().get("status");
        Object queue = ev.payload().get("queue");
        Object type = ev.payload().get("type");
        if (!"pending".equals(status) || queue == null || type == null) return null;
        return new QueueMessage(ev.jobId(), queue.toString(), type.toString());
    }

    private void await(long millis) {
        lock.lock();
        try {
            if (!woken && !stopping) changed.await(millis, TimeUnit.MILLISECONDS);
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        stopping = true;
        wake();
        if (thread != null) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // for tests
    long cursor() {
        return cursor;
    }
}
