package io.ordo.store.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Tells other processes on the database that this one committed writes that may carry events, with
 * one {@code NOTIFY} at most every {@link #GAP_MS} ms, sent from its own statement. Writers never
 * NOTIFY themselves: a transaction that notifies takes PostgreSQL's global notification lock at
 * commit, which would serialize every claim and completion of every node. Readers that miss a
 * notification still find the events at their next poll.
 */
final class EventNotifier implements AutoCloseable {
    static final long GAP_MS = 50;
    private static final Logger log = LoggerFactory.getLogger(EventNotifier.class);

    interface Connections {
        Connection get() throws SQLException;
    }

    private final Connections connections;
    private final String schema;
    private final Semaphore signal = new Semaphore(0);
    private volatile boolean closed;
    private Thread thread;

    EventNotifier(Connections connections, String schema) {
        this.connections = connections;
        this.schema = schema;
    }

    /** A write committed. Never blocks; the first call starts the sender. */
    void signal() {
        if (thread == null) start();
        if (signal.availablePermits() == 0) signal.release();
    }

    private synchronized void start() {
        if (thread == null && !closed) thread = Thread.ofVirtual().name("ordo-pg-notify-" + schema).start(this::loop);
    }

    private void loop() {
        while (!closed) {
            try {
                signal.acquire();
                signal.drainPermits();
                notifyOthers();
                TimeUnit.MILLISECONDS.sleep(GAP_MS); // what commits meanwhile goes out with the next one
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void notifyOthers() {
        try (Connection c = connections.get(); PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, PgListener.EVENTS_CHANNEL);
            ps.setString(2, schema);
            ps.executeQuery().close();
        } catch (SQLException e) {
            if (!closed) log.debug("notifying other processes of new events failed; they will find them by polling", e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (thread != null) thread.interrupt();
    }
}
