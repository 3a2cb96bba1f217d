package io.ordo.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import io.ordo.core.queue.TransportUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Which types each queue has, so that {@code count} and {@code purge} also cover types the caller
 * did not name. RabbitMQ cannot list queues over AMQP, so the transport records the pairs itself in
 * a stream ({@code PREFIX.types}): an append-only log that every node reads from its first entry
 * without consuming it. A node appends a pair in the same confirmed batch as its first publish to
 * that channel, unless it has already read the pair there; two nodes racing append it twice, which
 * is harmless.
 *
 * <p>On opening, a node appends a marker and reads until it sees it, so from then on it knows every
 * pair recorded before it opened; pairs recorded later reach it a moment after they are appended.
 * The stream only grows: by one marker per opened transport and one entry per new pair.
 *
 * <p>A broker without streams (before RabbitMQ 3.9) leaves each node with the pairs it used itself.
 */
final class TypeRegistry {
    private static final Logger log = LoggerFactory.getLogger(TypeRegistry.class);
    private static final String QUEUE = "queue";
    private static final String TYPE = "type";
    private static final String MARKER = "ordo-marker";
    /** A stream consumer must set a prefetch; entries are tiny. */
    private static final int PREFETCH = 1000;

    private final String stream;
    private final Map<String, Set<String>> types = new ConcurrentHashMap<>();
    private final String marker = UUID.randomUUID().toString();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean shared;

    TypeRegistry(String stream) {
        this.stream = stream;
    }

    /**
     * Declares the stream and starts reading it from its first entry. Returns false, and the registry
     * keeps to this node's own pairs, when the broker refuses a stream.
     */
    boolean start(Connection connection, Declarer declarer) throws IOException {
        try {
            declarer.queue(stream, Map.of("x-queue-type", "stream"));
        } catch (TransportUnavailableException e) {
            if (!Failures.isChannelError(e)) throw e;
            log.warn("RabbitMQ refused the stream {} ({}): count and purge cover only the types named and those this node used", stream, Failures.reason(e));
            return false;
        }
        Channel ch = connection.createChannel();
        if (ch == null) throw new IOException("no free channel for the type registry");
        ch.basicQos(PREFETCH);
        ch.basicConsume(stream, false, Map.of("x-stream-offset", "first"), new DefaultConsumer(ch) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) throws IOException {
                read(props.getHeaders());
                // a stream consumer acknowledges only to get more credit; the entry stays
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            }

            @Override
            public void handleCancel(String tag) {
                shared = false;
                log.warn("the type registry stream {} was deleted: count and purge cover only the types named and those known so far", stream);
            }
        });
        shared = true;
        return true;
    }

    /** Publishes the marker that {@link #awaitCaughtUp} waits for, on a confirming channel. */
    void appendMarker(Channel publisher) throws IOException {
        if (!shared) return;
        publisher.basicPublish("", stream, false, props(Map.of(MARKER, marker)), new byte[0]);
    }

    /** Whether every pair recorded before the marker has been read; true at once without a stream. */
    boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return !shared || caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean knows(String queue, String type) {
        Set<String> known = types.get(queue);
        return known != null && known.contains(type);
    }

    /** Appends the pair (without waiting: the caller waits for confirms of the whole batch). */
    void append(Channel publisher, String queue, String type) throws IOException {
        if (shared) publisher.basicPublish("", stream, false, props(Map.of(QUEUE, queue, TYPE, type)), new byte[0]);
    }

    /** The pair is in the stream (or, without one, used by this node). */
    void learned(String queue, String type) {
        types.computeIfAbsent(queue, q -> ConcurrentHashMap.newKeySet()).add(type);
    }

    Set<String> typesOf(String queue) {
        Set<String> known = types.get(queue);
        return known == null ? Set.of() : Set.copyOf(known);
    }

    private void read(Map<String, Object> headers) {
        if (headers == null) return;
        Object m = headers.get(MARKER);
        if (m != null) {
            if (marker.equals(m.toString())) caughtUp.countDown();
            return;
        }
        Object q = headers.get(QUEUE);
        Object t = headers.get(TYPE);
        if (q != null && t != null) learned(q.toString(), t.toString()); // header strings arrive as LongString
    }

    private static AMQP.BasicProperties props(Map<String, Object> headers) {
        return MessageProperties.MINIMAL_PERSISTENT_BASIC.builder().headers(headers).build();
    }
}
