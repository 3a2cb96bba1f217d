package io.ordo.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import io.ordo.core.queue.Delivery;
import io.ordo.core.queue.QueueMessage;
import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.TransportSettings;
import io.ordo.core.queue.TransportUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ready jobs' ids on Redis Streams: one stream per queue and type, read through the consumer group
 * {@value RedisKeys#GROUP} (see {@link RedisKeys} for the key layout).
 *
 * <p>Delivery: XREADGROUP hands an entry to one consumer and keeps it in the group's pending list
 * until acknowledged. Redis cannot tell a dead consumer from a busy one, so a receive first takes
 * over (XAUTOCLAIM) entries pending for longer than {@link TransportSettings#redeliverAfter()}
 * with anyone, checking each stream at most every half of that.
 *
 * <p>Release: Redis has no "give back" for a pending entry, so a released delivery is published
 * again (a new entry at the end of its stream, ready for any consumer) and then acknowledged. A
 * failure between the two leaves a duplicate, never a loss: a duplicate's job is no longer pending
 * when it arrives and the message is dropped.
 *
 * <p>Trimming: an acknowledged entry is deleted (XACK then XDEL), so a stream only ever holds ready
 * and delivered-but-unacknowledged entries and needs no MAXLEN; a MAXLEN would drop exactly the
 * entries not yet done with, and XLEN is the count the reconciler compares.
 *
 * <p>Connections: one shared connection pipelines everything that does not block (Lettuce is
 * thread-safe); a receive that must wait borrows a connection of its own (see
 * {@link BlockingConnections}). Lettuce reconnects by itself; while it cannot, calls fail at once
 * with {@link TransportUnavailableException} rather than queueing, and no call waits longer than
 * its command timeout. Redis without persistence may come back empty: publish and receive then
 * make the streams' groups again.
 */
public final class RedisQueueTransport implements QueueTransport {
    private static final Logger log = LoggerFactory.getLogger(RedisQueueTransport.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_BLOCKING_CONNECTIONS = 16;
    /** Ids per script call: big enough to publish thousands in a few round trips, small enough not to stall Redis. */
    private static final int CHUNK = 1_000;

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClient blockingClient;
    private final RedisAsyncCommands<String, String> redis;
    private final BlockingConnections blocking;
    private final StreamReceiver receiver;
    private final String broker;
    private final Duration commandTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RedisQueueTransport(ClientResources resources, RedisClient client, RedisClient blockingClient,
                                StatefulRedisConnection<String, String> shared, TransportSettings settings, String broker,
                                Duration commandTimeout) {
        this.resources = resources;
        this.client = client;
        this.blockingClient = blockingClient;
        this.redis = shared.async();
        this.broker = broker;
        this.commandTimeout = commandTimeout;
        this.blocking = new BlockingConnections(blockingClient, broker, MAX_BLOCKING_CONNECTIONS);
        this.receiver = new StreamReceiver(redis, blocking, settings.consumer(), settings.redeliverAfter(), commandTimeout, broker);
    }

    /**
     * Connects to {@code uri} and checks Redis answers. {@code uri}'s timeout bounds every command
     * (a blocking read gets its wait on top).
     */
    public static RedisQueueTransport connect(RedisURI uri, TransportSettings settings) {
        String broker = describe(uri);
        ClientResources resources = DefaultClientResources.builder()
                // reconnect soon after Redis is back, without hammering it while it is not
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(options(true));
        // a blocking read's connection is not reconnected: Lettuce would hold its read until
        // Redis is back; without it the read fails when the connection drops, and the pool makes
        // a new connection for the next one
        RedisClient blockingClient = RedisClient.create(resources, uri);
        blockingClient.setOptions(options(false));
        Duration commandTimeout = uri.getTimeout();
        try {
            StatefulRedisConnection<String, String> shared = client.connect(StringCodec.UTF8);
            RedisCalls.await(shared.async().ping(), commandTimeout, broker);
            return new RedisQueueTransport(resources, client, blockingClient, shared, settings, broker, commandTimeout);
        } catch (RuntimeException e) {
            shutdown(resources, client, blockingClient);
            throw RedisTransportProvider.connectFailure(e, broker);
        }
    }

    private static ClientOptions options(boolean autoReconnect) {
        return ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled())
                .autoReconnect(autoReconnect)
                // during an outage a call fails at once instead of waiting in Lettuce's buffer
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build();
    }

    /** Closes the clients' connections (the shared and the blocking ones), then their threads. */
    private static void shutdown(ClientResources resources, RedisClient... clients) {
        for (RedisClient c : clients) {
            try {
                c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                log.debug("closing a Redis client: {}", e.getMessage());
            }
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }

    static String describe(RedisURI uri) {
        String host = uri.getHost() != null && uri.getHost().contains(":") ? "[" + uri.getHost() + "]" : uri.getHost();
        return (uri.isSsl() ? "rediss" : "redis") + "://" + host + ":" + uri.getPort() + "/" + uri.getDatabase();
    }

    @Override
    public String kind() {
        return "redis";
    }

    @Override
    public String describe() {
        return broker;
    }

    @Override
    public void ping() {
        ensureOpen();
        call("PING", () -> RedisCalls.await(redis.ping(), commandTimeout, broker));
    }

    @Override
    public void publish(List<QueueMessage> messages) {
        ensureOpen();
        if (messages.isEmpty()) return;
        Map<List<String>, List<String>> byChannel = new LinkedHashMap<>();
        for (QueueMessage m : messages) {
            byChannel.computeIfAbsent(List.of(m.queue(), m.type()), k -> new ArrayList<>()).add(m.jobId().toString());
        }
        List<Future<Long>> calls = new ArrayList<>();
        for (Map.Entry<List<String>, List<String>> channel : byChannel.entrySet()) {
            String queue = channel.getKey().get(0);
            String type = channel.getKey().get(1);
            String stream = RedisKeys.stream(queue, type);
            String[] keys = {stream, RedisKeys.heldOf(stream), RedisKeys.types(queue)};
            List<String> ids = channel.getValue();
            for (int from = 0; from < ids.size(); from += CHUNK) {
                List<String> args = new ArrayList<>(List.of(RedisKeys.GROUP, queue, type));
                args.addAll(ids.subList(from, Math.min(ids.size(), from + CHUNK)));
                calls.add(RedisScripts.PUBLISH.run(redis, keys, args.toArray(String[]::new)));
            }
        }
        awaitAll("publish", calls);
    }

    @Override
    public List<Delivery> receive(String queue, Set<String> types, int max, Duration wait) {
        ensureOpen();
        if (max <= 0) return List.of();
        if (types.isEmpty()) return idle(wait);
        Map<String, String> channels = new LinkedHashMap<>();
        for (String type : new TreeSet<>(types)) channels.put(RedisKeys.stream(queue, type), type);
        try {
            return call("receive", () -> {
                try {
                    return receiver.receive(queue, channels, max, wait.isNegative() ? Duration.ZERO : wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // being stopped: nothing received
                    return List.of();
                }
            });
        } catch (TransportUnavailableException e) {
            if (closed.get()) return List.of(); // closed while it waited: its connection went with it
            throw e;
        }
    }

    /** Nothing to wait on: waits as asked all the same, so a claim loop does not spin. */
    private static List<Delivery> idle(Duration wait) {
        try {
            if (wait.isPositive()) Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of();
    }

    @Override
    public void ack(List<Delivery> deliveries) {
        ensureOpen();
        if (deliveries.isEmpty()) return;
        Map<String, List<String>> byStream = new LinkedHashMap<>();
        for (Delivery d : deliveries) {
            String[] receipt = RedisKeys.parseReceipt(d.receipt());
            if (receipt == null) throw new IllegalArgumentException("not a receipt of the Redis transport: '" + d.receipt() + "'");
            List<String> pairs = byStream.computeIfAbsent(receipt[0], k -> new ArrayList<>());
            pairs.add(receipt[1]);
            pairs.add(d.message().jobId().toString());
        }
        List<Future<Long>> calls = new ArrayList<>();
        for (Map.Entry<String, List<String>> stream : byStream.entrySet()) {
            String[] keys = {stream.getKey(), RedisKeys.heldOf(stream.getKey())};
            List<String> pairs = stream.getValue();
            for (int from = 0; from < pairs.size(); from += 2 * CHUNK) {
                List<String> args = new ArrayList<>(2 * CHUNK + 1);
                args.add(RedisKeys.GROUP);
                args.addAll(pairs.subList(from, Math.min(pairs.size(), from + 2 * CHUNK)));
                calls.add(RedisScripts.ACK.run(redis, keys, args.toArray(String[]::new)));
            }
        }
        awaitAll("ack", calls);
    }

    /** Publishes the deliveries' messages again, then acknowledges the originals (see the class comment). */
    @Override
    public void release(List<Delivery> deliveries) {
        ensureOpen();
        if (deliveries.isEmpty()) return;
        publish(deliveries.stream().map(Delivery::message).toList());
        ack(deliveries);
    }

    @Override
    public long count(String queue, Set<String> types) {
        ensureOpen();
        return call("count", () -> {
            List<Future<Long>> lengths = new ArrayList<>();
            for (String type : channelsOf(queue, types)) lengths.add(redis.xlen(RedisKeys.stream(queue, type)));
            return awaitAll("count", lengths);
        });
    }

    @Override
    public long purge(String queue, Set<String> types) {
        ensureOpen();
        return call("purge", () -> {
            List<String> streams = new ArrayList<>();
            List<String> keys = new ArrayList<>(List.of(RedisKeys.types(queue)));
            List<String> purged = new ArrayList<>();
            for (String type : channelsOf(queue, types)) {
                String stream = RedisKeys.stream(queue, type);
                streams.add(stream);
                keys.add(stream);
                keys.add(RedisKeys.heldOf(stream));
                purged.add(type);
            }
            long dropped = RedisCalls.await(RedisScripts.PURGE.run(redis, keys.toArray(String[]::new), purged.toArray(String[]::new)),
                    commandTimeout, broker);
            receiver.forget(streams);
            return dropped;
        });
    }

    /** {@code types} and every type published to {@code queue}, as Redis knows them. */
    private Set<String> channelsOf(String queue, Set<String> types) {
        Set<String> all = new TreeSet<>(types);
        all.addAll(RedisCalls.await(redis.smembers(RedisKeys.types(queue)), commandTimeout, broker));
        return all;
    }

    @Override
    public Optional<Set<UUID>> held(String queue, String type, Collection<UUID> jobIds) {
        ensureOpen();
        if (jobIds.isEmpty()) return Optional.of(Set.of());
        String index = RedisKeys.heldOf(RedisKeys.stream(queue, type));
        return call("held", () -> {
            List<String> ids = jobIds.stream().map(UUID::toString).distinct().toList();
            List<Future<List<KeyValue<String, String>>>> calls = new ArrayList<>();
            for (int from = 0; from < ids.size(); from += CHUNK) {
                calls.add(redis.hmget(index, ids.subList(from, Math.min(ids.size(), from + CHUNK)).toArray(String[]::new)));
            }
            Set<UUID> held = new HashSet<>();
            for (Future<List<KeyValue<String, String>>> c : calls) {
                for (KeyValue<String, String> kv : RedisCalls.await(c, commandTimeout, broker)) {
                    if (kv.hasValue() && Long.parseLong(kv.getValue()) > 0) held.add(UUID.fromString(kv.getKey()));
                }
            }
            return Optional.of(held);
        });
    }

    /** Waits for all of {@code calls} within one command timeout; returns the sum of their answers. */
    private long awaitAll(String what, List<Future<Long>> calls) {
        return call(what, () -> {
            long deadline = System.nanoTime() + commandTimeout.toNanos();
            long sum = 0;
            RuntimeException failure = null;
            for (Future<Long> c : calls) {
                try {
                    Long n = RedisCalls.await(c, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1)), broker);
                    if (n != null) sum += n;
                } catch (RuntimeException e) {
                    if (failure == null) failure = e; // wait for the rest all the same: they are sent
                }
            }
            if (failure != null) throw failure;
            return sum;
        });
    }

    /** Runs {@code body}, giving Redis's error replies a message that names the broker and the call. */
    private <T> T call(String what, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (RedisCommandExecutionException e) {
            throw new TransportUnavailableException("Redis at " + broker + " failed " + what + ": " + e.getMessage(), e);
        }
    }

    private void ensureOpen() {
        if (closed.get()) throw new IllegalStateException("the Redis transport to " + broker + " is closed");
    }

    /**
     * Drops the connections. Entries this consumer received and did not acknowledge stay pending
     * in Redis under its name and go to another consumer after redeliverAfter; its name is kept in
     * the group (removing it would drop those pending entries with it).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        blocking.close();
        shutdown(resources, blockingClient, client);
    }
}
