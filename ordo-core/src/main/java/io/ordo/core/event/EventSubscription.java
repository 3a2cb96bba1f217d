package io.ordo.core.event;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One subscriber of an {@link EventHub}, read by one thread with {@link #next}: first the events the
 * log holds after the client's last id (read page by page from the store, so a long replay costs no
 * memory), then live ones from a bounded buffer. Ids only increase; none is delivered twice.
 *
 * <p>A {@code resync} event (type {@link EventHub#RESYNC}, payload {@code reason}, {@code last_event_id})
 * says events were lost for this subscriber: the requested id was pruned already ({@code too_old}),
 * is unknown to this log ({@code unknown_id}), or the buffer overflowed because the client reads too
 * slowly ({@code overflow}), or events of this node never reached the log because the store could not
 * keep up ({@code dropped}). Its id is where the stream continues; the client should reload its state.
 */
public final class EventSubscription implements AutoCloseable {
    private final EventHub hub;
    private final EventFilter filter;
    private final ArrayBlockingQueue<StoredEvent> live;
    private final ArrayDeque<StoredEvent> pending = new ArrayDeque<>();
    private volatile boolean overflowed;
    private volatile long droppedUpTo;
    /** Set when events this node published never reached the log (see {@link EventLog}). */
    private volatile boolean lost;
    private volatile boolean closed;
    // written by the consumer thread only
    private volatile long position;
    private long replayCursor;
    private boolean replaying;
    private long skipUpTo;

    EventSubscription(EventHub hub, EventFilter filter, int buffer) {
        this.hub = hub;
        this.filter = filter;
        this.live = new ArrayBlockingQueue<>(buffer);
    }

    void begin(Long since) {
        long last = hub.store().lastEventId();
        if (since == null) {
            startAt(last);
            return;
        }
        if (since < 0) throw new IllegalArgumentException("since must be >= 0");
        long first = hub.store().firstEventId();
        if (since > last) {
            startAt(last);
            pending.add(resync("unknown_id", last));
        } else if (since > 0 && since < first - 1) {
            // 0 means "all you keep"; any other id older than the oldest kept lost events in between
            startAt(last);
            pending.add(resync("too_old", last));
        } else {
            startAt(since);
        }
    }

    private void startAt(long id) {
        position = id;
        replayCursor = id;
        replaying = true;
    }

    /** Events were lost before they reached the log: this subscriber must reload. */
    void lost(OrdoEvent e) {
        if (filter.matches(e)) lost = true;
    }

    /** Called by the hub's tailer; never blocks. */
    void offer(StoredEvent e) {
        if (closed || !filter.matches(e.event())) return;
        if (!live.offer(e)) {
            live.clear();
            droppedUpTo = e.id();
            overflowed = true;
        }
    }

    /**
     * The next event for this subscriber, waiting up to {@code timeout}; null when none came in time
     * or the subscription is closed.
     */
    public StoredEvent next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closed) {
            StoredEvent p = pending.poll();
            if (p != null) {
                position = Math.max(position, p.id());
                return p;
            }
            if (replaying) {
                replayPage();
                continue;
            }
            if (lost) {
                lost = false;
                return resync("dropped", position);
            }
            if (overflowed) {
                overflowed = false;
                position = Math.max(Math.max(position, skipUpTo), droppedUpTo);
                return resync("overflow", position);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            StoredEvent e = live.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            if (e == null || e.id() <= position || e.id() <= skipUpTo) continue;
            position = e.id();
            return e;
        }
        return null;
    }

    private void replayPage() {
        // what the live buffer drops while replaying is in the store and read here anyway
        overflowed = false;
        List<StoredEvent> page = hub.store().eventsAfter(replayCursor, EventHub.PAGE);
        for (StoredEvent e : page) {
            if (filter.matches(e.event())) pending.add(e);
            replayCursor = e.id();
        }
        if (page.size() < EventHub.PAGE) {
            replaying = false;
            // live events up to here were replayed (or filtered out) already: skip them
            skipUpTo = replayCursor;
        }
    }

    private StoredEvent resync(String reason, long at) {
        Instant now = Instant.now();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("reason", reason);
        p.put("last_event_id", at);
        p.put("timestamp", now.toString());
        return new StoredEvent(at, new OrdoEvent(EventHub.RESYNC, null, null, p, now));
    }

    /** The id of the last event delivered (or skipped as already seen). */
    public long position() {
        return position;
    }

    public boolean isClosed() {
        return closed || hub.isClosed();
    }

    @Override
    public void close() {
        closed = true;
        hub.remove(this);
    }
}
