package io.ordo.core.event;

import io.ordo.core.store.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Fans the store's event log out to live subscribers (SSE, WebSocket, the CLI). The log, not the
 * in-process {@link EventBus}, is the source: events written by other nodes on the same database are
 * seen just like this node's own, in one order with increasing ids.
 *
 * <p>One tailer thread reads what was appended after its cursor; it is woken by {@link #wake()}
 * (this node's {@link EventLog} after each batch, and the store through
 * {@link EventStore#onEventsAppended} after this node's commits and on PostgreSQL NOTIFY) and otherwise
 * polls every {@code poll} (SQLite's other processes). It never blocks on a subscriber: each has a bounded buffer, and one that overflows is
 * emptied and told to {@code resync}.
 */
public final class EventHub implements AutoCloseable {
    /** The type of the event telling a subscriber it missed events and should reload its state. */
    public static final String RESYNC = "resync";
    public static final Duration DEFAULT_POLL = Duration.ofMillis(250);
    public static final int DEFAULT_BUFFER = 10_000;
    static final int PAGE = 1000;

    private static final Logger log = LoggerFactory.getLogger(EventHub.class);

    private final EventStore store;
    private final Duration poll;
    private final Set<EventSubscription> subscribers = ConcurrentHashMap.newKeySet();
    private static final long CHASE_FIRST_MS = 20;
    private static final long CHASE_LAST_MS = 1280;
    private final Semaphore signal = new Semaphore(0);
    private volatile long cursor = -1;
    private volatile boolean closed;
    private Thread tailer;
    private int failures;

    public EventHub(EventStore store, Duration poll) {
        this.store = store;
        this.poll = poll;
    }

    public EventHub(EventStore store) {
        this(store, DEFAULT_POLL);
    }

    /** Starts tailing from the end of the log (what came before is replayed per subscriber on request). */
    public synchronized EventHub start() {
        if (tailer != null || closed) return this;
        try {
            startCursor();
        } catch (RuntimeException e) {
            log.warn("reading the event log failed: {}", e.toString()); // the tailer keeps trying
        }
        tailer = Thread.ofVirtual().name("ordo-event-hub").start(this::loop);
        return this;
    }

    /** Asks the tailer to read the log now (events were appended). Cheap; callable from any thread. */
    public void wake() {
        if (signal.availablePermits() == 0) signal.release();
    }

    /**
     * Subscribes with the default buffer.
     *
     * @param since the last event id the client saw (it gets what came after it), or null for "from now"
     */
    public EventSubscription subscribe(EventFilter filter, Long since) {
        return subscribe(filter, since, DEFAULT_BUFFER);
    }

    /**
     * A new subscription: first what the log holds after {@code since} (or a {@code resync} when that
     * was pruned already), then live events. Close it when the client goes away.
     */
    public EventSubscription subscribe(EventFilter filter, Long since, int buffer) {
        if (buffer < 1) throw new IllegalArgumentException("buffer must be >= 1");
        // registered before the start position is read, so nothing falls between replay and live
        EventSubscription s = new EventSubscription(this, filter, buffer);
        subscribers.add(s);
        try {
            // the tailer's start must not lie after this replay's end, or events in between would be lost
            startCursor();
            s.begin(since);
        } catch (RuntimeException e) {
            subscribers.remove(s);
            throw e;
        }
        return s;
    }

    /** An event was dropped before reaching the log (the store could not keep up): its subscribers get a resync. */
    public void lost(OrdoEvent e) {
        for (EventSubscription s : subscribers) s.lost(e);
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    void remove(EventSubscription s) {
        subscribers.remove(s);
    }

    EventStore store() {
        return store;
    }

    private void loop() {
        long chase = 0;
        while (!closed) {
            try {
                drain();
                failures = 0;
            } catch (RuntimeException e) {
                // a store without an event log, or one that is down: keep trying, quietly after the first
                if (failures++ == 0) log.warn("reading the event log failed: {}", e.toString());
                else log.debug("reading the event log failed", e);
            }
            try {
                long wait = failures > 0 ? Math.min(5000, poll.toMillis() << Math.min(failures, 5))
                        : chase > 0 ? Math.min(chase, poll.toMillis()) : poll.toMillis();
                boolean woken = signal.tryAcquire(wait, TimeUnit.MILLISECONDS);
                signal.drainPermits();
                // after a wake, read again a few times at growing intervals: a read may stop short of a
                // new event while an older transaction anywhere on the database is open (PostgreSQL's
                // log horizon), and nothing else wakes the tailer when that transaction ends
                chase = woken ? CHASE_FIRST_MS : chase >= CHASE_LAST_MS ? 0 : chase * 2;
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void startCursor() {
        if (cursor < 0) cursor = store.lastEventId();
    }

    /**
     * Nobody listens: forget the position instead of reading the log (every commit wakes the
     * tailer); the next subscriber sets it again from the log's end before its own replay begins.
     * Under the same lock as {@link #startCursor}, which a subscriber calls after registering, so
     * that a reset can never follow a new subscriber's start.
     */
    private synchronized boolean idle() {
        if (!subscribers.isEmpty()) return false;
        cursor = -1;
        return true;
    }

    private void drain() {
        if (idle()) return;
        startCursor();
        while (!closed) {
            List<StoredEvent> page = store.eventsAfter(cursor, PAGE);
            for (StoredEvent e : page) {
                for (EventSubscription s : subscribers) s.offer(e);
                cursor = e.id();
            }
            if (page.size() < PAGE) return;
        }
    }

    /** The id of the newest event fanned out so far (-1 before the first read). */
    public long cursor() {
        return cursor;
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = tailer;
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        subscribers.forEach(EventSubscription::close);
    }

    boolean isClosed() {
        return closed;
    }
}
