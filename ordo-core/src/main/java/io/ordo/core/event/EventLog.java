package io.ordo.core.event;

import io.ordo.core.store.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the events published on this node to the store's event log, in batches, so that every
 * server on the database (and a client reconnecting later) sees them in one order. Events are for
 * live views: when the store cannot keep up the oldest unwritten ones are dropped (counted and
 * logged) rather than slowing the workers that publish them; viewers then get a {@code resync}.
 */
public final class EventLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLog.class);
    private static final int BATCH = 500;

    private final EventStore store;
    private final ArrayBlockingQueue<OrdoEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;
    private final Runnable onWritten;
    private final java.util.function.Consumer<OrdoEvent> onDropped;
    private volatile boolean stopping;

    /** @param onWritten called after each batch is stored (e.g. to wake this node's own viewers at once) */
    public EventLog(EventStore store, int capacity, Runnable onWritten) {
        this(store, capacity, onWritten, e -> { });
    }

    /** @param onDropped told of each event given up (e.g. to tell its live viewers to resync) */
    public EventLog(EventStore store, int capacity, Runnable onWritten, java.util.function.Consumer<OrdoEvent> onDropped) {
        this.onDropped = onDropped;
        this.store = store;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.onWritten = onWritten;
        this.writer = Thread.ofVirtual().name("ordo-event-log").unstarted(this::loop);
    }

    public void start() {
        writer.start();
    }

    /** Queues an event for the log; never blocks. */
    public void add(OrdoEvent e) {
        while (!queue.offer(e)) {
            OrdoEvent old = queue.poll();
            if (old != null) {
                onDropped.accept(old);
                if (dropped.incrementAndGet() % 1000 == 1) {
                    log.warn("event log cannot keep up: {} events dropped so far (live viewers will resync)", dropped.get());
                }
            }
        }
    }

    public long dropped() {
        return dropped.get();
    }

    private void loop() {
        List<OrdoEvent> batch = new ArrayList<>(BATCH);
        int failures = 0;
        while (!stopping || !queue.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    OrdoEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (first == null) continue;
                    batch.add(first);
                    queue.drainTo(batch, BATCH - 1);
                }
                store.appendEvents(batch);
                batch.clear();
                failures = 0;
                onWritten.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failures++;
                log.warn("writing {} events failed (try {})", batch.size(), failures, e);
                if (failures >= 5) { // give these up: events are for live views, not the record of truth
                    dropped.addAndGet(batch.size());
                    batch.forEach(onDropped);
                    batch.clear();
                    failures = 0;
                }
                try {
                    Thread.sleep(Duration.ofMillis(Math.min(2000, 50L << failures)));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Writes what is queued (waiting up to {@code max}), then stops. */
    public void close(Duration max) {
        stopping = true;
        try {
            writer.join(max.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
