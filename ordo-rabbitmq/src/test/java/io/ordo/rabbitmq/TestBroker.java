package io.ordo.rabbitmq;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.util.UUID;

/**
 * The RabbitMQ the tests run against (127.0.0.1:5672, guest/guest, vhost /), and cleanup of what
 * they declared. Every test class uses a prefix of its own, so nothing here touches other names.
 */
final class TestBroker {
    static final String HOST = "127.0.0.1";
    static final int PORT = 5672;

    private TestBroker() {
    }

    static String newPrefix() {
        return "ordotest-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String url(String prefix) {
        return "amqp://guest:guest@" + HOST + ":" + PORT + "?prefix=" + prefix;
    }

    static Connection connect() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(HOST);
        f.setPort(PORT);
        f.setUsername("guest");
        f.setPassword("guest");
        try {
            return f.newConnection("ordo tests");
        } catch (Exception e) {
            throw new IllegalStateException("RabbitMQ at " + HOST + ":" + PORT + " is not running (rabbitmq-server -detached)", e);
        }
    }

    /** Deletes these queues (missing ones are fine). */
    static void deleteQueues(Iterable<String> queues) {
        try (Connection c = connect()) {
            for (String q : queues) {
                Channel ch = c.createChannel();
                try {
                    ch.queueDelete(q);
                } catch (IOException ignored) {
                    // not there: the channel is closed, the next name gets a new one
                }
                if (ch.isOpen()) ch.abort();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes what a transport declares for itself under {@code prefix}: the dead letters and the type registry. */
    static void deleteShared(String prefix) {
        QueueNames names = new QueueNames(prefix);
        deleteQueues(java.util.List.of(names.deadLetters(), names.registry()));
        try (Connection c = connect()) {
            Channel ch = c.createChannel();
            ch.exchangeDelete(names.deadLetters());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
