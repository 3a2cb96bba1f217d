package io.ordo.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.ordo.core.queue.TransportUnavailableException;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One channel that threads use in turn: a channel must not be used by two threads at once (its
 * publisher confirms and RPCs would interleave). A channel the broker closed on its own (after a
 * 404 or a 406, or a confirm timeout) is replaced on next use; one closed with its connection is
 * left to the client's automatic recovery.
 */
final class SharedChannel {
    @FunctionalInterface
    interface Call<T> {
        T apply(Channel channel) throws IOException, InterruptedException, TimeoutException;
    }

    @FunctionalInterface
    interface Setup {
        void apply(Channel channel) throws IOException;
    }

    private final Connection connection;
    private final String broker;
    private final Setup setup;
    private final ReentrantLock lock = new ReentrantLock();
    private Channel channel; // guarded by lock

    SharedChannel(Connection connection, String broker, Setup setup) {
        this.connection = connection;
        this.broker = broker;
        this.setup = setup;
    }

    /** Runs {@code call} on the channel; a failure becomes a {@link TransportUnavailableException} saying what was being done. */
    <T> T call(String doing, Call<T> call) {
        lock.lock();
        try {
            Channel ch = usable(connection, broker, channel, doing);
            if (ch != channel) {
                try {
                    setup.apply(ch);
                } catch (IOException | RuntimeException e) {
                    abortQuietly(ch);
                    throw e;
                }
                channel = ch;
            }
            return call.apply(ch);
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            throw Failures.failed(broker, doing, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportUnavailableException("interrupted while waiting for RabbitMQ at " + broker + " to " + doing, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@code current} if it is open, else a new channel: the broker closed the old one (a channel
     * error), or the connection is back and the old one could not be recovered. While the
     * connection itself is down this fails at once rather than wait for the reconnect.
     */
    static Channel usable(Connection connection, String broker, Channel current, String doing) throws IOException {
        if (current != null && current.isOpen()) return current;
        if (!connection.isOpen()) {
            throw new TransportUnavailableException("cannot " + doing + ": the connection to RabbitMQ at " + broker + " is down ("
                    + (connection.getCloseReason() == null ? "closed" : Failures.reason(connection.getCloseReason())) + "); reconnecting");
        }
        if (current != null) abortQuietly(current); // also stops the client from recovering it later
        Channel fresh = connection.createChannel();
        if (fresh == null) throw new TransportUnavailableException("RabbitMQ at " + broker + " has no free channel to " + doing);
        return fresh;
    }

    static void abortQuietly(Channel channel) {
        try {
            channel.abort();
        } catch (IOException | RuntimeException ignored) {
            // already closed: nothing left to release
        }
    }
}
