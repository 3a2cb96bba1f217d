package io.ordo.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Connections for blocking reads, one per waiting receive. Lettuce pipelines every command of a
 * connection in order, so an XREADGROUP ... BLOCK on the shared connection would hold up every
 * publish and ack behind it; a receive borrows one of these instead and gives it back after.
 */
final class BlockingConnections implements AutoCloseable {
    private final RedisClient client;
    private final String broker;
    private final Semaphore permits;
    private final Deque<StatefulRedisConnection<String, String>> idle = new ArrayDeque<>();
    private final Set<StatefulRedisConnection<String, String>> all = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    BlockingConnections(RedisClient client, String broker, int max) {
        this.client = client;
        this.broker = broker;
        this.permits = new Semaphore(max);
    }

    /** A connection for this thread alone, or null when all are in use for longer than {@code patience}. */
    StatefulRedisConnection<String, String> borrow(Duration patience) throws InterruptedException {
        if (!permits.tryAcquire(patience.toMillis(), TimeUnit.MILLISECONDS)) return null;
        try {
            StatefulRedisConnection<String, String> c;
            synchronized (idle) {
                c = idle.pollFirst();
            }
            if (c != null && c.isOpen()) return c;
            if (c != null) discard(c);
            c = connect();
            all.add(c);
            if (closed) { // close() ran while we connected: it did not see this one
                discard(c);
                throw new IllegalStateException("the Redis transport to " + broker + " is closed");
            }
            return c;
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private StatefulRedisConnection<String, String> connect() {
        try {
            return client.connect(StringCodec.UTF8);
        } catch (RuntimeException e) {
            throw RedisCalls.translate(e, broker);
        }
    }

    /** Back to the pool if it may be reused; a connection whose last command did not finish is dropped. */
    void giveBack(StatefulRedisConnection<String, String> c, boolean reusable) {
        try {
            if (reusable && !closed && c.isOpen()) {
                synchronized (idle) {
                    idle.addFirst(c);
                }
                if (closed) discard(c);
            } else {
                discard(c);
            }
        } finally {
            permits.release();
        }
    }

    private void discard(StatefulRedisConnection<String, String> c) {
        all.remove(c);
        c.closeAsync();
    }

    /**
     * Takes no more connections back. The client's shutdown closes them all, borrowed ones too, so
     * that a receive blocked on one returns at once; closing them here as well only makes Lettuce
     * warn about connections closed twice.
     */
    @Override
    public void close() {
        closed = true;
        synchronized (idle) {
            idle.clear();
        }
        all.clear();
    }
}
