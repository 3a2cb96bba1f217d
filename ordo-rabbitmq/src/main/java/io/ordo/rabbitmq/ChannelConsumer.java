package io.ordo.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.ordo.core.queue.Delivery;
import io.ordo.core.queue.QueueMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This node's consumer of one channel's quorum queue, on a channel of its own: delivery tags are
 * per channel, and the prefetch is set per channel before consuming.
 *
 * <p>The consumer runs only while some {@code receive} waits on the channel: a consumer left running
 * between calls would have the broker refill this node's buffer as soon as the caller acknowledged,
 * holding messages here that idle nodes could start. While it runs, its prefetch is the room the
 * caller asked for less what is already buffered, so the broker pushes no more than the caller can
 * start. What arrives after the last receive left (in flight while it cancelled) stays buffered for
 * the next one.
 *
 * <p>Two locks: {@code control} serializes the use of the channel (RPCs, acks); {@code state}, shared
 * with the transport, guards the buffers and is never held during an RPC, so the client's threads,
 * which take it to hand over deliveries, never wait on the broker.
 */
final class ChannelConsumer {
    private static final Logger log = LoggerFactory.getLogger(ChannelConsumer.class);
    /** Epochs name a channel's life between closes, JVM-wide so that another transport's receipt never matches. */
    private static final AtomicLong EPOCHS = new AtomicLong();
    /** The cancel-ok follows the consumer's last delivery within a round trip; this only bounds a broken channel. */
    private static final long CANCEL_TIMEOUT_MS = 2_000;
    private static final int MAX_PREFETCH = 65_535;
    /**
     * How long a consumer outlives the last receive. Starting and cancelling a consumer costs round
     * trips (qos, consume, cancel and its confirmation); a claim loop receives again within
     * milliseconds while it has free slots, so the consumer is kept for that long.
     */
    static final long LINGER_MS = 1_000;
    private static final java.util.concurrent.ScheduledExecutorService LINGER = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ordo-rabbitmq-linger");
                t.setDaemon(true);
                return t;
            });

    private record Pending(long tag, UUID jobId) {
    }

    private final Connection connection;
    private final String broker;
    private final String queue;
    private final String type;
    private final String name;
    private final Map<String, Object> arguments;
    private final Declarer declarer;
    private final ReentrantLock state;
    private final Condition arrived;

    private final ReentrantLock control = new ReentrantLock();
    private Channel channel;      // guarded by control
    private Deliveries consumer;  // guarded by control: running while some receive waits
    private int qos;              // guarded by control
    private int users;            // guarded by control: receives waiting on this channel
    private long idleSince;        // guarded by control: when the last receive left

    private Channel live;         // guarded by state: whose deliveries are current
    private long epoch;           // guarded by state
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();  // guarded by state
    private final Set<Long> outstanding = new HashSet<>();          // guarded by state: returned, not acked

    ChannelConsumer(Connection connection, String broker, String queue, String type, String name,
                    Map<String, Object> arguments, Declarer declarer, ReentrantLock state, Condition arrived) {
        this.connection = connection;
        this.broker = broker;
        this.queue = queue;
        this.type = type;
        this.name = name;
        this.arguments = arguments;
        this.declarer = declarer;
        this.state = state;
        this.arrived = arrived;
    }

    String name() {
        return name;
    }

    /** A receive starts waiting here: consume, unless already consuming or the buffer fills {@code max}. */
    void join(int max) {
        control.lock();
        try {
            try {
                start(max);
            } catch (IOException e) {
                if (!Failures.hasCode(e, 404)) throw e;
                // deleted since this node declared it (the broker closed the channel): declare it again
                declarer.forget(name);
                start(max);
            }
            users++;
        } catch (IOException | ShutdownSignalException e) {
            throw Failures.failed(broker, "consume from " + name, e);
        } finally {
            control.unlock();
        }
    }

    private void start(int max) throws IOException {
        declarer.queue(name, arguments);
        Channel ch = channel();
        // a consumer that lingered may have been ended meanwhile (queue deleted, channel closed)
        if (consumer != null && consumer.ended()) consumer = null;
        if (consumer != null) return;
        // prefetch-count is an unsigned short, and 0 would mean no limit at all
        int room = Math.min(max - buffered(), MAX_PREFETCH);
        if (room <= 0) return;
        // basic.qos only applies to consumers started after it (and quorum queues have no global
        // qos), so it is set before each consume
        if (qos != room) {
            ch.basicQos(room);
            qos = room;
        }
        Deliveries d = new Deliveries(ch);
        d.tag = ch.basicConsume(name, false, d);
        consumer = d;
    }

    /**
     * A receive stops waiting. When it was the last: after a receive that got messages the consumer
     * is kept for {@link #LINGER_MS} (the queue is busy and the next receive comes within
     * milliseconds); after one that got none it is cancelled at once, so that a consumer the broker
     * dropped silently (a quorum queue deleted under it sends no cancel) is never kept for long.
     */
    void leave(boolean gotSome) {
        control.lock();
        try {
            users--;
            if (users == 0 && consumer != null) {
                idleSince = System.nanoTime();
                if (gotSome) LINGER.schedule(() -> cancelIfIdle(LINGER_MS), LINGER_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } finally {
            control.unlock();
        }
        if (!gotSome) cancelIfIdle(0);
    }

    /**
     * Cancels a consumer no receive has used for {@link #LINGER_MS}, and waits until what the broker
     * sent before the cancel is in the buffer, where the next consume counts it against the room.
     */
    private void cancelIfIdle(long idleMillis) {
        Deliveries cancelled = null;
        control.lock();
        try {
            if (users == 0 && consumer != null && System.nanoTime() - idleSince >= java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(idleMillis)) {
                cancelled = consumer;
                consumer = null;
                try {
                    channel.basicCancel(cancelled.tag);
                } catch (IOException | RuntimeException e) {
                    // closed channel or a consumer the broker cancelled: nothing is consuming either way
                    log.debug("cancelling consumer {} of {}: {}", cancelled.tag, name, Failures.reason(e));
                    cancelled = null;
                }
            }
        } finally {
            control.unlock();
        }
        // outside control: the client's thread that hands over those deliveries may need it
        if (cancelled != null) cancelled.awaitCancelled();
    }

    /** Moves up to {@code max} buffered messages into {@code into}, as outstanding deliveries. Caller holds {@code state}. */
    int take(int max, List<Delivery> into) {
        int n = 0;
        while (n < max && !buffer.isEmpty()) {
            Pending p = buffer.poll();
            outstanding.add(p.tag());
            into.add(new Delivery(new QueueMessage(p.jobId(), queue, type), epoch + ":" + p.tag()));
            n++;
        }
        return n;
    }

    /** Messages this node holds unacknowledged: buffered or returned and not yet acknowledged. Caller holds {@code state}. */
    long held() {
        return buffer.size() + outstanding.size();
    }

    /**
     * Acknowledges these receipts. A receipt from a channel that has closed since is skipped: the
     * broker took its message back and delivers it again, which the layer above tolerates.
     */
    void ack(Collection<String> receipts) {
        settle(receipts, false);
    }

    /**
     * Gives these back to the queue at once (the store could not take them), for any consumer: a
     * lingering consumer of this node is cancelled first, or the broker would hand them straight back to it.
     */
    void release(Collection<String> receipts) {
        cancelIfIdle(0);
        settle(receipts, true);
    }

    private void settle(Collection<String> receipts, boolean requeue) {
        control.lock();
        try {
            List<Long> tags = new ArrayList<>(receipts.size());
            state.lock();
            try {
                for (String receipt : receipts) {
                    int colon = receipt.indexOf(':');
                    long tag = colon < 0 ? -1 : parseOr(receipt.substring(colon + 1));
                    if (colon > 0 && parseOr(receipt.substring(0, colon)) == epoch && outstanding.remove(tag)) tags.add(tag);
                    else log.debug("not acknowledging {} on {}: its channel closed since or it was acknowledged before", receipt, name);
                }
            } finally {
                state.unlock();
            }
            for (long tag : tags) {
                if (requeue) channel.basicNack(tag, false, true);
                else channel.basicAck(tag, false);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("settling on {} failed ({}): the broker delivers those messages again", name, Failures.reason(e));
        } finally {
            control.unlock();
        }
    }

    /** Drops (acknowledges) the messages buffered here and not yet returned, for a purge; returns how many. */
    long dropBuffered() {
        control.lock();
        try {
            List<Long> tags = new ArrayList<>();
            state.lock();
            try {
                for (Pending p : buffer) tags.add(p.tag());
                buffer.clear();
            } finally {
                state.unlock();
            }
            try {
                for (long tag : tags) channel.basicAck(tag, false);
            } catch (IOException | RuntimeException e) {
                log.debug("dropping buffered messages of {} failed ({}): the broker has them back", name, Failures.reason(e));
            }
            return tags.size();
        } finally {
            control.unlock();
        }
    }

    private int buffered() {
        state.lock();
        try {
            return buffer.size();
        } finally {
            state.unlock();
        }
    }

    /** The channel, replaced when the broker closed it; caller holds {@code control}. */
    private Channel channel() throws IOException {
        Channel ch = SharedChannel.usable(connection, broker, channel, "consume from " + name);
        if (ch != channel) {
            channel = ch;
            qos = 0;
            consumer = null; // died with the old channel
            ch.addShutdownListener(cause -> lost(ch));
            state.lock();
            try {
                live = ch;
                forget();
            } finally {
                state.unlock();
            }
        }
        return ch;
    }

    /**
     * The channel closed (the connection may come back and the client reopen it): the broker took
     * back everything it had delivered on it. Runs on the client's connection thread, so it must not
     * wait for {@code control}, whose holder may be waiting for that thread.
     */
    private void lost(Channel ch) {
        state.lock();
        try {
            if (live == ch) {
                forget();
                arrived.signalAll();
            }
        } finally {
            state.unlock();
        }
    }

    private void forget() {
        epoch = EPOCHS.incrementAndGet();
        buffer.clear();
        outstanding.clear();
    }

    private static long parseOr(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Parses the job id, or null for a body that is not one. */
    static UUID jobId(byte[] body) {
        // only the canonical form: UUID.fromString also takes oddities such as "1-2-3-4-5"
        if (body == null || body.length != 36) return null;
        try {
            return UUID.fromString(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private final class Deliveries extends DefaultConsumer {
        private final CountDownLatch cancelled = new CountDownLatch(1);
        private volatile String tag;

        Deliveries(Channel ch) {
            super(ch);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            UUID id = jobId(body);
            if (id == null) {
                deadLetter(envelope.getDeliveryTag(), body);
                return;
            }
            state.lock();
            try {
                if (live == getChannel()) {
                    buffer.add(new Pending(envelope.getDeliveryTag(), id));
                    arrived.signalAll();
                }
            } finally {
                state.unlock();
            }
        }

        /** Dispatched after every delivery of this consumer. */
        @Override
        public void handleCancelOk(String consumerTag) {
            cancelled.countDown();
        }

        @Override
        public void handleShutdownSignal(String consumerTag, ShutdownSignalException sig) {
            cancelled.countDown();
        }

        @Override
        public void handleCancel(String consumerTag) {
            // the broker cancelled: the queue was deleted; declare it again on the next receive
            log.info("RabbitMQ cancelled the consumer of {} (queue deleted?)", name);
            cancelled.countDown();
            control.lock();
            try {
                if (consumer == this) consumer = null;
                declarer.forget(name);
            } finally {
                control.unlock();
            }
        }

        /** Cancelled (by us or the broker) or its channel shut down: it delivers nothing more. */
        boolean ended() {
            return cancelled.getCount() == 0;
        }

        void awaitCancelled() {
            try {
                if (!cancelled.await(CANCEL_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                    log.debug("no cancel-ok for consumer {} of {} within {} ms", tag, name, CANCEL_TIMEOUT_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void deadLetter(long deliveryTag, byte[] body) {
            String shown = new String(body, 0, Math.min(body.length, 80), StandardCharsets.UTF_8);
            log.warn("dead-lettering a message of {} whose body is not a job id: '{}'", name, shown);
            control.lock();
            try {
                if (getChannel() == channel) getChannel().basicReject(deliveryTag, false);
            } catch (IOException | RuntimeException e) {
                log.debug("rejecting on {} failed ({}): it comes back and is rejected again", name, Failures.reason(e));
            } finally {
                control.unlock();
            }
        }
    }
}
