package io.ordo.store.jdbc;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * LISTENs over a connection of its own (a pooled one would be handed to others and lose the
 * LISTEN) on {@value #CHANNEL}, passing each notified queue name to the jobs listeners, and on
 * {@value #EVENTS_CHANNEL}, calling the events listeners when this store's schema appended events.
 * A channel is listened to once it has a listener. Reconnects after a failure; since notifications
 * sent while disconnected are lost, every (re)connect also reports each queue that has pending jobs
 * and calls the events listeners once.
 */
final class PgListener implements AutoCloseable {
    static final String CHANNEL = "ordo_jobs";
    /** Its payload is the schema that appended: stores of other schemas on the database ignore it. */
    static final String EVENTS_CHANNEL = "ordo_events";
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
    private final String schema;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> eventListeners = new CopyOnWriteArrayList<>();
    /** The channels LISTENed on the current connection (written by the loop thread). */
    private final Set<String> listening = ConcurrentHashMap.newKeySet();
    private final Object sleeper = new Object();
    private volatile boolean running = true;
    private volatile Connection current;
    private Thread thread;

    PgListener(Connector connector, PendingQueues pendingQueues, String name, String schema) {
        this.connector = connector;
        this.pendingQueues = pendingQueues;
        this.name = name;
        this.schema = schema;
    }

    void add(Consumer<String> listener) {
        listeners.add(listener);
        start();
    }

    void addEvents(Runnable listener) {
        eventListeners.add(listener);
        start();
    }

    /** Whether the channel is LISTENed on a live connection now (for tests). */
    boolean listening(String channel) {
        return listening.contains(channel);
    }

    private synchronized void start() {
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
                listenToNewChannels(c);
                backoff = 100;
                PGConnection pg = c.unwrap(PGConnection.class);
                long lastHeard = System.nanoTime();
                while (running) {
                    listenToNewChannels(c);
                    PGNotification[] got = pg.getNotifications(POLL_MS);
                    if (got != null && got.length > 0) {
                        lastHeard = System.nanoTime();
                        boolean events = false;
                        for (PGNotification n : got) {
                            if (CHANNEL.equals(n.getName())) dispatch(n.getParameter());
                            else if (EVENTS_CHANNEL.equals(n.getName()) && schema.equals(n.getParameter())) events = true;
                        }
                        if (events) dispatchEvents(); // once per wake-up, however many appends it reports
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
                listening.clear();
            }
        }
    }

    /** LISTENs on each channel that got its first listener, then reports what may have been missed before. */
    private void listenToNewChannels(Connection c) throws SQLException {
        boolean jobs = !listeners.isEmpty() && !listening.contains(CHANNEL);
        boolean events = !eventListeners.isEmpty() && !listening.contains(EVENTS_CHANNEL);
        if (!jobs && !events) return;
        try (Statement st = c.createStatement()) {
            if (jobs) st.execute("LISTEN " + CHANNEL);
            if (events) st.execute("LISTEN " + EVENTS_CHANNEL);
        }
        if (jobs) {
            listening.add(CHANNEL);
            for (String q : pendingQueues.get()) dispatch(q);
        }
        if (events) {
            listening.add(EVENTS_CHANNEL);
            dispatchEvents();
        }
    }

    private void dispatchEvents() {
        for (Runnable l : eventListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                log.warn("{}: an events-appended listener failed", name, e);
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
