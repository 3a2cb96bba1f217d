package io.ordo.redis;

import io.lettuce.core.Consumer;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.ordo.core.queue.Delivery;
import io.ordo.core.queue.QueueMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Future;

/**
 * The receiving half of {@link RedisQueueTransport}: reclaims entries whose consumer went silent,
 * reads new ones, dead-letters unreadable ones.
 */
final class StreamReceiver {
    private static final Logger log = LoggerFactory.getLogger(StreamReceiver.class);
    private static final String SCAN_DONE = "0-0";
    /** The dead-letter stream is for looking at by hand; it must not grow without end. */
    private static final int DEAD_LETTER_CAP = 10_000;

    /** A consumer holding nothing and silent this long is a node that went away (each start is a new name). */
    private static final Duration GONE_AFTER = Duration.ofHours(1);
    private static final long FORGET_EVERY_NANOS = Duration.ofMinutes(10).toNanos();

    private final RedisAsyncCommands<String, String> redis;
    private final BlockingConnections blocking;
    private final Consumer<String> consumer;
    private final Duration redeliverAfter;
    private final long reclaimEveryNanos;
    private final Duration commandTimeout;
    private final String broker;
    /** Per stream: when this node next looks for stale entries, and where its last XAUTOCLAIM scan stopped. */
    private final Map<String, Long> nextReclaim = new ConcurrentHashMap<>();
    private final Map<String, String> reclaimCursor = new ConcurrentHashMap<>();
    /** Per stream: when this node next removes consumers that are gone (see {@link RedisScripts#FORGET_CONSUMERS}). */
    private final Map<String, Long> nextForget = new ConcurrentHashMap<>();
    private final Duration goneAfter;
    /** Entries read beyond a call's {@code max} (XREADGROUP's COUNT is per stream), handed out by the next call. */
    private final Map<String, Queue<Buffered>> overflow = new ConcurrentHashMap<>();

    private record Buffered(Delivery delivery, long since) {
    }

    StreamReceiver(RedisAsyncCommands<String, String> redis, BlockingConnections blocking, String consumerName,
                   Duration redeliverAfter, Duration commandTimeout, String broker) {
        this.redis = redis;
        this.blocking = blocking;
        this.consumer = Consumer.from(RedisKeys.GROUP, consumerName);
        this.redeliverAfter = redeliverAfter;
        // often enough that a dead consumer's entries move within 1.5 x redeliverAfter, rarely enough
        // that idle claim loops do not scan every pending list on every call
        this.reclaimEveryNanos = Math.max(redeliverAfter.toNanos() / 2, Duration.ofMillis(50).toNanos());
        this.commandTimeout = commandTimeout;
        this.broker = broker;
        this.goneAfter = redeliverAfter.multipliedBy(10).compareTo(GONE_AFTER) > 0 ? redeliverAfter.multipliedBy(10) : GONE_AFTER;
    }

    /** {@code channels} maps each stream key to its type. */
    List<Delivery> receive(String queue, Map<String, String> channels, int max, Duration wait) throws InterruptedException {
        List<Delivery> out = new ArrayList<>();
        takeOverflow(channels, max, out);
        if (out.size() < max) reclaim(queue, channels, max, out);
        if (out.size() < max) read(queue, channels, max, out.isEmpty() ? wait : Duration.ZERO, out);
        return out;
    }

    /** Forgets what this node knew of streams that were just deleted. */
    void forget(Iterable<String> streamKeys) {
        for (String key : streamKeys) {
            overflow.remove(key);
            reclaimCursor.remove(key);
        }
    }

    private void takeOverflow(Map<String, String> channels, int max, List<Delivery> out) {
        long staleBefore = System.nanoTime() - reclaimEveryNanos;
        for (String key : channels.keySet()) {
            Queue<Buffered> buffered = overflow.get(key);
            if (buffered == null) continue;
            Buffered b;
            while (out.size() < max && (b = buffered.poll()) != null) {
                // one buffered this long may be reclaimed by another node soon: leave it to XAUTOCLAIM
                if (b.since() - staleBefore >= 0) out.add(b.delivery());
            }
        }
    }

    /**
     * Takes over entries delivered to any consumer of the group and unacknowledged for
     * redeliverAfter: Redis cannot tell a dead consumer from a slow one, so silence is the signal.
     */
    private void reclaim(String queue, Map<String, String> channels, int max, List<Delivery> out) {
        for (Map.Entry<String, String> channel : channels.entrySet()) {
            if (out.size() >= max) return;
            String key = channel.getKey();
            if (!due(nextReclaim, key, reclaimEveryNanos)) continue;
            if (due(nextForget, key, FORGET_EVERY_NANOS)) forgetGoneConsumers(key);
            String cursor = reclaimCursor.getOrDefault(key, SCAN_DONE);
            ClaimedMessages<String, String> claimed;
            try {
                claimed = RedisCalls.await(redis.xautoclaim(key,
                        XAutoClaimArgs.Builder.xautoclaim(consumer, redeliverAfter, cursor).count(max - out.size())), commandTimeout, broker);
            } catch (RedisCommandExecutionException e) {
                if (!RedisCalls.isNoGroup(e)) throw e;
                reclaimCursor.remove(key); // no stream or no group: nothing is pending there
                continue;
            }
            if (claimed == null) continue;
            String next = claimed.getId() == null ? SCAN_DONE : claimed.getId();
            reclaimCursor.put(key, next);
            if (!SCAN_DONE.equals(next)) nextReclaim.put(key, System.nanoTime()); // more to scan: go on next call
            int before = out.size();
            accept(queue, channel.getValue(), key, claimed.getMessages(), max, out);
            if (out.size() > before) log.debug("reclaimed {} stale entries of {} for {}", out.size() - before, key, consumer.getName());
        }
    }

    /** Whether {@code key} is due in {@code schedule}; if so, it is next due {@code everyNanos} from now (one caller wins). */
    private static boolean due(Map<String, Long> schedule, String key, long everyNanos) {
        long now = System.nanoTime();
        boolean[] due = {false};
        schedule.compute(key, (k, at) -> {
            if (at != null && now - at < 0) return at;
            due[0] = true;
            return now + everyNanos;
        });
        return due[0];
    }

    /** Housekeeping that nobody waits for: a failure only means it is tried again later. */
    private void forgetGoneConsumers(String key) {
        RedisScripts.FORGET_CONSUMERS.run(redis, new String[] {key}, RedisKeys.GROUP, Long.toString(goneAfter.toMillis()), consumer.getName())
                .whenComplete((gone, failure) -> {
                    if (failure != null) {
                        log.debug("could not look for gone consumers of {}: {}", key, failure.getMessage());
                    } else if (gone != null && gone > 0) {
                        log.info("removed {} consumers of {} that held nothing and were silent for {}", gone, key, goneAfter);
                    }
                });
    }

    private void read(String queue, Map<String, String> channels, int max, Duration wait, List<Delivery> out) throws InterruptedException {
        @SuppressWarnings("unchecked")
        StreamOffset<String>[] offsets = channels.keySet().stream().map(StreamOffset::lastConsumed).toArray(StreamOffset[]::new);
        for (int attempt = 0; ; attempt++) {
            XReadArgs args = XReadArgs.Builder.count(max - out.size());
            List<StreamMessage<String, String>> messages;
            try {
                messages = wait.isZero() ? RedisCalls.await(redis.xreadgroup(consumer, args, offsets), commandTimeout, broker)
                        : readBlocking(args.block(Math.max(1, wait.toMillis())), offsets, wait);
            } catch (RedisCommandExecutionException e) {
                String reply = String.valueOf(e.getMessage());
                if (reply.startsWith("UNBLOCKED")) return; // its stream was deleted while we waited (Redis 7.2+)
                if (!RedisCalls.isNoGroup(e) || attempt > 0) throw e;
                // first read of a channel, or Redis lost the stream (purge, restart without data)
                ensureGroups(channels.keySet());
                continue;
            }
            if (messages != null) {
                for (StreamMessage<String, String> m : messages) {
                    accept(queue, channels.get(m.getStream()), m.getStream(), List.of(m), max, out);
                }
            }
            return;
        }
    }

    private List<StreamMessage<String, String>> readBlocking(XReadArgs args, StreamOffset<String>[] offsets, Duration wait) throws InterruptedException {
        StatefulRedisConnection<String, String> c = blocking.borrow(wait);
        if (c == null) return List.of(); // every blocking connection busy for all of wait: as if nothing came
        boolean reusable = false;
        try {
            Duration bound = wait.plus(commandTimeout);
            c.setTimeout(bound);
            List<StreamMessage<String, String>> got = RedisCalls.await(c.async().xreadgroup(consumer, args, offsets), bound, broker);
            reusable = true;
            return got;
        } catch (RedisCommandExecutionException e) {
            reusable = true; // an error reply leaves the connection in step
            throw e;
        } finally {
            blocking.giveBack(c, reusable);
        }
    }

    void ensureGroups(Iterable<String> streamKeys) {
        List<Future<String>> calls = new ArrayList<>();
        for (String key : streamKeys) {
            calls.add(redis.xgroupCreate(StreamOffset.from(key, "0"), RedisKeys.GROUP, XGroupCreateArgs.Builder.mkstream(true)));
        }
        for (Future<String> call : calls) {
            try {
                RedisCalls.await(call, commandTimeout, broker);
            } catch (RedisCommandExecutionException e) {
                if (!RedisCalls.isBusyGroup(e)) throw e;
            }
        }
    }

    private void accept(String queue, String type, String key, List<StreamMessage<String, String>> messages, int max, List<Delivery> out) {
        for (StreamMessage<String, String> m : messages) {
            if (m == null || m.getBody() == null) continue; // deleted while pending: nothing to deliver
            String job = m.getBody().get("job");
            UUID id = parseJobId(job);
            if (id == null) {
                deadLetter(key, m, job == null ? "no job field" : "job field is not a UUID");
                continue;
            }
            Delivery d = new Delivery(new QueueMessage(id, queue, type), RedisKeys.receipt(key, m.getId()));
            if (out.size() < max) {
                out.add(d);
            } else {
                overflow.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(new Buffered(d, System.nanoTime()));
            }
        }
    }

    static UUID parseJobId(String job) {
        if (job == null || job.length() != 36) return null;
        try {
            UUID id = UUID.fromString(job);
            // UUID.fromString also takes short groups ("1-1-1-1-1"); only the canonical form is ours
            return id.toString().equals(job.toLowerCase(Locale.ROOT)) ? id : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void deadLetter(String key, StreamMessage<String, String> m, String reason) {
        List<String> args = new ArrayList<>(List.of(RedisKeys.GROUP, m.getId(), reason, Integer.toString(DEAD_LETTER_CAP)));
        m.getBody().forEach((field, value) -> {
            args.add("field:" + field);
            args.add(value == null ? "" : value);
        });
        try {
            RedisCalls.await(RedisScripts.DEAD_LETTER.run(redis, new String[] {key, RedisKeys.DEAD_LETTERS}, args.toArray(String[]::new)),
                    commandTimeout, broker);
            log.warn("moved unreadable entry {} of {} to {}: {}", m.getId(), key, RedisKeys.DEAD_LETTERS, reason);
        } catch (RuntimeException e) {
            // it stays pending with us: reclaimed after redeliverAfter and dead-lettered then
            log.warn("could not dead-letter unreadable entry {} of {}: {}", m.getId(), key, e.getMessage());
        }
    }
}
