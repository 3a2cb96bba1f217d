package io.ordo.rabbitmq;

import com.rabbitmq.client.Channel;
import io.ordo.core.queue.TransportUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Declares durable queues once per transport, idempotently, so that a declare-ok means the queue
 * can be used at once.
 *
 * <p>Why a lock: a quorum queue (or stream) exists in RabbitMQ's metadata a moment before its
 * replica process runs. A second connection that declares it in that moment gets a declare-ok, and
 * on RabbitMQ before 4.1 its next consume or publish there crashes its channel, which closes the
 * whole connection (INTERNAL_ERROR, {@code {badmatch,{error,noproc}}}). So the first declaration
 * by each transport holds an exclusive queue {@code PREFIX.lock.HASH} (only one connection can own
 * it) while declaring: whoever gets the lock after a creator has released it finds the queue running.
 * Lock queues die with their connection and are kept out of the client's topology recovery, so a
 * connection lost while holding one does not hold it again after reconnecting.
 */
final class Declarer {
    private static final Logger log = LoggerFactory.getLogger(Declarer.class);
    /** How long to wait for another connection that is creating the same queue. */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(10);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    @FunctionalInterface
    interface Declaration {
        void apply(Channel channel) throws IOException;
    }

    private final SharedChannel admin;
    private final QueueNames names;
    private final String broker;
    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    /** The broker's lock excludes other connections only: threads of this one take this first. */
    private final Map<String, ReentrantLock> local = new ConcurrentHashMap<>();

    Declarer(SharedChannel admin, QueueNames names, String broker) {
        this.admin = admin;
        this.names = names;
        this.broker = broker;
    }

    /** Declares the durable queue {@code name} with {@code arguments}, unless this transport already did. */
    void queue(String name, Map<String, Object> arguments) {
        once(name, ch -> ch.queueDeclare(name, true, false, false, arguments));
    }

    /** Runs {@code declaration} of queue {@code name} under its lock, unless this transport already did. */
    void once(String name, Declaration declaration) {
        if (declared.contains(name)) return;
        ReentrantLock mine = local.computeIfAbsent(name, n -> new ReentrantLock());
        mine.lock();
        try {
            if (declared.contains(name)) return; // another thread of this transport just did
            String lock = names.lock(name);
            lock(name, lock);
            try {
                admin.call("declare " + name, ch -> {
                    declaration.apply(ch);
                    return null;
                });
                declared.add(name);
            } finally {
                try {
                    admin.call("release " + lock, ch -> ch.queueDelete(lock));
                } catch (TransportUnavailableException e) {
                    log.debug("releasing {}: {} (it goes with the connection)", lock, e.getMessage());
                }
            }
        } finally {
            mine.unlock();
        }
    }

    /** The queue was deleted since (the broker said so): declare it again next time. */
    void forget(String name) {
        declared.remove(name);
    }

    private void lock(String name, String lock) {
        long deadline = System.nanoTime() + LOCK_TIMEOUT.toNanos();
        while (true) {
            boolean mine = admin.call("lock " + lock, ch -> {
                try {
                    ch.queueDeclare(lock, false, true, true, null);
                    return true;
                } catch (IOException e) {
                    if (Failures.hasCode(e, 405)) return false; // RESOURCE_LOCKED: another connection is declaring
                    throw e;
                }
            });
            if (mine) return;
            if (System.nanoTime() > deadline) {
                throw new TransportUnavailableException("RabbitMQ at " + broker + ": another connection has been declaring "
                        + name + " for more than " + LOCK_TIMEOUT.toSeconds() + " s");
            }
            LockSupport.parkNanos(RETRY_NANOS); // a declaration takes milliseconds
        }
    }
}
