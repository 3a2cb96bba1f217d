package io.ordo.store.jdbc;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * LISTENs on {@value #CHANNEL} over a connection of its own (a pooled one would be handed to
 * others and lose the LISTEN) and passes each notified queue name to the listeners. Reconnects
 * after a failure; since notifications sent while disconnected are lost, every (re)connect also
 * reports each queue that has pending jobs.
 */
final class PgListener implements AutoCloseable {
    static final String CHANNEL = "ordo_jobs";
    private static final Logger log = LoggerFactory.getLogger(PgListener.class);
    /** How long one wait for notifications blocks: bounds how late close() is noticed. */
    private static final int POLL_MS = 500;
    /** A silent connection is checked this often so that a dead server is noticed. */
    private static final long PING_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MAX_BACKOFF_MS = 5_000;

    interface Connector {
        Connection connect() throws SQLException;
    }

    interface PendingQueues {
        List<String> get() throws SQLException;
    }

    private final Connector connector;
    private final PendingQueues pendingQueues;
    private final String name;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Object sleeper = new Object();
    private volatile boolean running = true;
    private volatile Connection current;
    private Thread thread;

    PgListener(Connector connector, PendingQueues pendingQueues, String name) {
        this.connector = connector;
        this.pendingQueues = pendingQueues;
        this.name = name;
    }

    synchronized void add(Consumer<String> listener) {
        listeners.add(listener);
        if (thread == null && running) {
            thread = Thread.ofPlatform().daemon().name(name).start(this::loop);
        }
    }

    private void loop() {
        long backoff = 100;
        while (running) {
            try (Connection c = connector.connect()) {
                current = c;
                if (!running) return;
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + CHANNEL);
                }
                backoff = 100;
                for (String q : pendingQueues.get()) dispatch(q);
                PGConnection pg = c.unwrap(PGConnection.class);
                long lastHeard = System.nanoTime();
                while (running) {
                    PGNotification[] got = pg.getNotifications(POLL_MS);
                    if (got != null && got.length > 0) {
                        lastHeard = System.nanoTime();
                        for (PGNotification n : got) dispatch(n.getParameter());
                    } else if (System.nanoTime() - lastHeard > PING_NANOS) {
                        try (Statement st = c.createStatement()) {
                            st.execute("SELECT 1");
                        }
                        lastHeard = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) return;
                log.warn("{}: lost the notification connection ({}); reconnecting in {} ms", name, e.getMessage(), backoff);
                pause(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            } finally {
                current = null;
            }
        }
    }

    private void dispatch(String queue) {
        for (Consumer<String> l : listeners) {
            try {
                l.accept(queue);
            } catch (RuntimeException e) {
                log.warn("{}: a jobs-available listener failed for queue '{}'", name, queue, e);
            }
        }
    }

    private void pause(long millis) {
        synchronized (sleeper) {
            long end = System.currentTimeMillis() + millis;
            long left;
            while (running && (left = end - System.currentTimeMillis()) > 0) {
                try {
                    sleeper.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        synchronized (sleeper) {
            sleeper.notifyAll();
        }
        Connection c = current;
        if (c != null) {
            try {
                c.abort(Runnable::run); // unblocks a wait for notifications at once
            } catch (SQLException | RuntimeException ignored) {
                // closing anyway
            }
        }
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
