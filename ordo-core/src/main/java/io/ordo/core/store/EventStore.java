package io.ordo.core.store;

import java.time.Instant;
import java.util.List;

/**
 * The event log: every status change, spawn and log line is written by the store with its change;
 * the engine appends the events it publishes itself (progress, results, queue stats).
 */
public interface EventStore {

    /** Appends events to the log (ids assigned by the store, increasing). */
    void appendEvents(List<io.ordo.core.event.OrdoEvent> events);

    /** Events with id greater than {@code afterId}, oldest first. */
    List<io.ordo.core.event.StoredEvent> eventsAfter(long afterId, int limit);

    /** The id of the newest event in the log (0 when empty). */
    long lastEventId();

    /** The id of the oldest event still kept (0 when empty); older ones were pruned. */
    long firstEventId();

    /** Deletes up to {@code limit} events older than {@code before}. */
    int pruneEvents(Instant before, int limit);

    /**
     * Calls {@code listener} when events may have been appended: after this process's writes commit
     * (they may have written events with them) and, on PostgreSQL, when another process says so (NOTIFY).
     */
    default void onEventsAppended(Runnable listener) {
    }
}
