package io.ordo.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import io.ordo.core.queue.Delivery;
import io.ordo.core.queue.QueueMessage;
import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.TransportSettings;
import io.ordo.core.queue.TransportUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Carries ready jobs' ids through RabbitMQ: one durable quorum queue per channel (queue and type,
 * named by {@link QueueNames}), persistent messages whose body is the job id, publisher confirms,
 * and manual acknowledgements. A message whose consumer's channel or connection closes before it
 * is acknowledged goes back to the queue for another consumer (so {@code redeliverAfter} is not
 * needed). Unreadable messages, and messages delivered more than {@link #DELIVERY_LIMIT} times, go
 * to the dead-letter exchange {@code PREFIX.dead} and its queue.
 *
 * <p>Receiving: a consumer runs on a channel only while some {@code receive} waits there, with a
 * prefetch of the room the caller asked for less what this node has buffered, so that the broker
 * never pushes a node more than it can start ({@link ChannelConsumer}). Queues are declared lazily,
 * once per transport, under a lock that works around a RabbitMQ bug ({@link Declarer}).
 *
 * <p>Counts: RabbitMQ reports a queue's ready messages only, not those delivered and unacknowledged;
 * {@link #count} adds the ones this transport holds itself, so another node's unacknowledged
 * messages are not counted. The types of a queue come from the caller, from this node's own use,
 * and from a registry every node appends to ({@link TypeRegistry}); {@link #held} cannot look into
 * a queue and says so.
 *
 * <p>Outages: the client reconnects on its own and restores queues and running consumers; while the
 * connection is down every call fails at once with a {@link TransportUnavailableException}.
 */
public final class RabbitQueueTransport implements QueueTransport {
    private static final Logger log = LoggerFactory.getLogger(RabbitQueueTransport.class);
    /**
     * A quorum queue counts every return of a message (its consumer died, its channel closed); past
     * this many deliveries it is dead-lettered instead of looping for ever. Generous, because every
     * crash or close of a node returns what it held: only a message that keeps bringing its
     * consumers down should reach it, and the reconciler republishes a job whose message was lost.
     */
    static final int DELIVERY_LIMIT = 20;
    /** Longest wait for the broker to confirm one batch of publishes. */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);
    /** Messages published before waiting for their confirms, so that each wait is bounded by a bounded batch. */
    static final int CONFIRM_BATCH = 1_000;
    /** Longest wait, on opening, to read the type registry up to now. */
    static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(10);

    private record Key(String queue, String type) {
    }

    private final Connection connection;
    private final String broker;
    private final QueueNames names;
    private final Map<String, Object> channelArguments;
    private final TypeRegistry registry;
    private final SharedChannel publisher;
    private final SharedChannel admin;
    private final Declarer declarer;
    /** Channels this node published to: their types count as known. */
    private final Set<Key> published = ConcurrentHashMap.newKeySet();
    private final Map<Key, ChannelConsumer> consumers = new ConcurrentHashMap<>();
    /** Messages the broker could not route (their queue deleted since it was declared). */
    private final ConcurrentLinkedQueue<Return> returns = new ConcurrentLinkedQueue<>();
    private final ReentrantLock state = new ReentrantLock();
    private final Condition arrived = state.newCondition();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger rotation = new AtomicInteger();
    private volatile String blocked;

    private RabbitQueueTransport(Connection connection, String broker, QueueNames names) {
        this.connection = connection;
        this.broker = broker;
        this.names = names;
        this.channelArguments = Map.of(
                "x-queue-type", "quorum",
                "x-dead-letter-exchange", names.deadLetters(),
                "x-delivery-limit", DELIVERY_LIMIT);
        this.registry = new TypeRegistry(names.registry());
        this.publisher = new SharedChannel(connection, broker, ch -> {
            ch.confirmSelect();
            ch.addReturnListener(returns::add);
        });
        this.admin = new SharedChannel(connection, broker, ch -> {
        });
        this.declarer = new Declarer(admin, names, broker);
        // a broker short of memory or disk stops reading from publishers: fail fast instead of hanging
        connection.addBlockedListener(reason -> blocked = reason, () -> blocked = null);
    }

    /**
     * Connects with {@code factory} (set up by {@link RabbitTransportProvider}), declares the
     * dead-letter exchange and queue, and reads the type registry up to now.
     *
     * @param broker the broker's description, without credentials
     */
    static RabbitQueueTransport open(ConnectionFactory factory, String broker, TransportSettings settings, QueueNames names) {
        // a lock held when the connection dropped must not be taken again by the reconnect
        factory.setTopologyRecoveryFilter(new TopologyRecoveryFilter() {
            @Override
            public boolean filterQueue(RecordedQueue queue) {
                return !names.isLock(queue.getName());
            }
        });
        Connection connection;
        try {
            connection = factory.newConnection("ordo " + settings.consumer());
        } catch (IOException | TimeoutException e) {
            throw Failures.connecting(broker, factory.getUsername(), e);
        }
        RabbitQueueTransport transport = new RabbitQueueTransport(connection, broker, names);
        try {
            transport.setUp();
        } catch (RuntimeException e) {
            transport.close();
            throw e;
        }
        return transport;
    }

    private void setUp() {
        declareDeadLetters();
        try {
            registry.start(connection, declarer);
        } catch (IOException e) {
            throw Failures.failed(broker, "declare the type registry " + names.registry(), e);
        }
        publisher.call("append to " + names.registry(), ch -> {
            registry.appendMarker(ch);
            ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
            return null;
        });
        try {
            if (!registry.awaitCaughtUp(CATCH_UP_TIMEOUT)) {
                throw new TransportUnavailableException("RabbitMQ at " + broker + " did not deliver the type registry "
                        + names.registry() + " within " + CATCH_UP_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportUnavailableException("interrupted while reading the type registry at " + broker, e);
        }
    }

    private void declareDeadLetters() {
        String dead = names.deadLetters();
        declarer.once(dead, ch -> {
            ch.exchangeDeclare(dead, BuiltinExchangeType.FANOUT, true);
            ch.queueDeclare(dead, true, false, false, Map.of("x-queue-type", "quorum"));
            ch.queueBind(dead, dead, "");
        });
    }

    @Override
    public String kind() {
        return "rabbitmq";
    }

    @Override
    public String describe() {
        return broker;
    }

    @Override
    public void ping() {
        ensureOpen();
        boolean present = admin.call("ping", ch -> {
            try {
                ch.queueDeclarePassive(names.deadLetters());
                return true;
            } catch (IOException e) {
                if (Failures.hasCode(e, 404)) return false;
                throw e;
            }
        });
        if (!present) { // someone deleted it: without it unreadable messages would be dropped
            declarer.forget(names.deadLetters());
            declareDeadLetters();
        }
    }

    @Override
    public void publish(List<QueueMessage> messages) {
        ensureOpen();
        if (messages.isEmpty()) return;
        String why = blocked;
        if (why != null) throw new TransportUnavailableException("RabbitMQ at " + broker + " blocks publishers: " + why);
        Map<Key, List<QueueMessage>> byChannel = new LinkedHashMap<>();
        for (QueueMessage m : messages) byChannel.computeIfAbsent(new Key(m.queue(), m.type()), k -> new ArrayList<>()).add(m);
        publisher.call("publish " + messages.size() + " messages", ch -> {
            returns.clear();
            List<Key> recorded = new ArrayList<>();
            for (Key k : byChannel.keySet()) {
                declarer.queue(names.channel(k.queue(), k.type()), channelArguments);
                published.add(k);
                if (!registry.knows(k.queue(), k.type())) {
                    registry.append(ch, k.queue(), k.type()); // confirmed with the batch below
                    recorded.add(k);
                }
            }
            send(ch, byChannel);
            for (Key k : recorded) registry.learned(k.queue(), k.type());
            Map<Key, List<QueueMessage>> unroutable = drainReturns();
            if (!unroutable.isEmpty()) {
                // a queue was deleted since this node declared it: declare it again and resend once
                for (Key k : unroutable.keySet()) {
                    String name = names.channel(k.queue(), k.type());
                    declarer.forget(name);
                    declarer.queue(name, channelArguments);
                }
                send(ch, unroutable);
                Map<Key, List<QueueMessage>> still = drainReturns();
                if (!still.isEmpty()) {
                    Key k = still.keySet().iterator().next();
                    throw new TransportUnavailableException("RabbitMQ at " + broker + " could not route messages to queue "
                            + names.channel(k.queue(), k.type()) + " (deleted as they were sent?)");
                }
            }
            return null;
        });
    }

    /** Publishes persistently and waits for the broker's confirms, batch by batch. */
    private void send(Channel ch, Map<Key, List<QueueMessage>> byChannel) throws IOException, InterruptedException, TimeoutException {
        int unconfirmed = 0;
        for (Map.Entry<Key, List<QueueMessage>> e : byChannel.entrySet()) {
            Key k = e.getKey();
            String name = names.channel(k.queue(), k.type());
            AMQP.BasicProperties props = MessageProperties.PERSISTENT_TEXT_PLAIN.builder()
                    .headers(Map.of("queue", k.queue(), "type", k.type()))
                    .build();
            for (QueueMessage m : e.getValue()) {
                // mandatory: a queue deleted since its declaration returns the message instead of dropping it
                ch.basicPublish("", name, true, props, m.jobId().toString().getBytes(StandardCharsets.UTF_8));
                if (++unconfirmed == CONFIRM_BATCH) {
                    ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
                    unconfirmed = 0;
                }
            }
        }
        ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
    }

    /** The broker returns an unroutable message before confirming it, so after the confirms every return is here. */
    private Map<Key, List<QueueMessage>> drainReturns() {
        Map<Key, List<QueueMessage>> back = new LinkedHashMap<>();
        for (Return r; (r = returns.poll()) != null; ) {
            Map<String, Object> h = r.getProperties().getHeaders();
            UUID id = ChannelConsumer.jobId(r.getBody());
            if (h == null || id == null || h.get("queue") == null || h.get("type") == null) continue;
            QueueMessage m = new QueueMessage(id, h.get("queue").toString(), h.get("type").toString());
            back.computeIfAbsent(new Key(m.queue(), m.type()), k -> new ArrayList<>()).add(m);
        }
        return back;
    }

    @Override
    public List<Delivery> receive(String queue, Set<String> types, int max, Duration wait) {
        ensureOpen();
        if (max <= 0 || types.isEmpty()) return List.of();
        List<ChannelConsumer> channels = new ArrayList<>(types.size());
        for (String type : new TreeSet<>(types)) channels.add(consumer(queue, type));
        List<Delivery> got = new ArrayList<>();
        state.lock();
        try {
            take(channels, max, got);
        } finally {
            state.unlock();
        }
        if (!got.isEmpty()) return got;

        long deadline = System.nanoTime() + wait.toNanos();
        List<ChannelConsumer> joined = new ArrayList<>(channels.size());
        try {
            for (ChannelConsumer c : channels) {
                c.join(max);
                joined.add(c);
            }
            state.lock();
            try {
                while (take(channels, max, got) == 0 && !closed.get()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) break;
                    arrived.awaitNanos(left);
                }
            } finally {
                state.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // return what was taken: those are outstanding now
        } finally {
            for (ChannelConsumer c : joined) c.leave(!got.isEmpty());
        }
        return got;
    }

    /** Takes up to {@code max} buffered messages, starting at a rotating type so that none starves. Caller holds {@code state}. */
    private int take(List<ChannelConsumer> channels, int max, List<Delivery> into) {
        int n = 0;
        int start = Math.floorMod(rotation.getAndIncrement(), channels.size());
        for (int i = 0; i < channels.size() && n < max; i++) {
            n += channels.get((start + i) % channels.size()).take(max - n, into);
        }
        return n;
    }

    private ChannelConsumer consumer(String queue, String type) {
        return consumers.computeIfAbsent(new Key(queue, type), k -> new ChannelConsumer(connection, broker, queue, type,
                names.channel(queue, type), channelArguments, declarer, state, arrived));
    }

    @Override
    public void ack(List<Delivery> deliveries) {
        settle(deliveries, false);
    }

    @Override
    public void release(List<Delivery> deliveries) {
        settle(deliveries, true);
    }

    private void settle(List<Delivery> deliveries, boolean requeue) {
        if (deliveries.isEmpty()) return;
        Map<Key, List<String>> byChannel = new HashMap<>();
        for (Delivery d : deliveries) {
            byChannel.computeIfAbsent(new Key(d.message().queue(), d.message().type()), k -> new ArrayList<>()).add(d.receipt());
        }
        for (Map.Entry<Key, List<String>> e : byChannel.entrySet()) {
            ChannelConsumer c = consumers.get(e.getKey());
            if (c == null) log.debug("not acknowledging {} deliveries of {}: not received here", e.getValue().size(), e.getKey());
            else if (requeue) c.release(e.getValue());
            else c.ack(e.getValue());
        }
    }

    @Override
    public long count(String queue, Set<String> types) {
        ensureOpen();
        long total = 0;
        for (String type : typesOf(queue, types)) {
            String name = names.channel(queue, type);
            total += admin.call("count " + name, ch -> {
                try {
                    return (long) ch.queueDeclarePassive(name).getMessageCount(); // ready messages only
                } catch (IOException e) {
                    if (Failures.hasCode(e, 404)) return 0L;
                    throw e;
                }
            });
            ChannelConsumer c = consumers.get(new Key(queue, type));
            if (c != null) {
                state.lock();
                try {
                    total += c.held();
                } finally {
                    state.unlock();
                }
            }
        }
        return total;
    }

    @Override
    public long purge(String queue, Set<String> types) {
        ensureOpen();
        long total = 0;
        for (String type : typesOf(queue, types)) {
            String name = names.channel(queue, type);
            total += admin.call("purge " + name, ch -> {
                try {
                    return (long) ch.queuePurge(name).getMessageCount();
                } catch (IOException e) {
                    if (Failures.hasCode(e, 404)) return 0L;
                    throw e;
                }
            });
            ChannelConsumer c = consumers.get(new Key(queue, type));
            if (c != null) total += c.dropBuffered();
        }
        return total;
    }

    /** {@code types}, and every type of {@code queue} this node used or read in the registry. */
    private Set<String> typesOf(String queue, Set<String> types) {
        Set<String> all = new TreeSet<>(types);
        all.addAll(registry.typesOf(queue));
        for (Key k : consumers.keySet()) if (k.queue().equals(queue)) all.add(k.type());
        for (Key k : published) if (k.queue().equals(queue)) all.add(k.type());
        return all;
    }

    /** RabbitMQ cannot look into a queue: the reconciler compares counts instead. */
    @Override
    public Optional<Set<UUID>> held(String queue, String type, Collection<UUID> jobIds) {
        return Optional.empty();
    }

    /** Messages of this channel this node holds unacknowledged (buffered or returned), for tests. */
    long heldHere(String queue, String type) {
        ChannelConsumer c = consumers.get(new Key(queue, type));
        if (c == null) return 0;
        state.lock();
        try {
            return c.held();
        } finally {
            state.unlock();
        }
    }

    /**
     * Closes the connection, so the broker gives every message this node held unacknowledged to
     * other consumers. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        state.lock();
        try {
            arrived.signalAll();
        } finally {
            state.unlock();
        }
        try {
            connection.close((int) TimeUnit.SECONDS.toMillis(3));
        } catch (IOException | RuntimeException e) {
            log.debug("closing the connection to {}: {}", broker, Failures.reason(e));
            connection.abort(1_000);
        }
    }

    private void ensureOpen() {
        if (closed.get()) throw new TransportUnavailableException("the transport to RabbitMQ at " + broker + " is closed");
    }
}
