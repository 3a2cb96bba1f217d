package io.ordo.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Lua scripts that keep a stream and its held index in step: Redis runs a script atomically,
 * so no reader ever sees an entry without its index count or the other way round.
 */
final class RedisScripts {
    /**
     * KEYS: stream, held index, types set. ARGV: group, queue, type, job ids...
     * Creates the group first (from id 0, so that nothing already in the stream is skipped) because
     * Redis without persistence may have restarted empty, or a purge deleted the stream.
     */
    static final Script PUBLISH = new Script("""
            local made = redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
            if type(made) == 'table' and made.err and string.sub(made.err, 1, 9) ~= 'BUSYGROUP' then return made end
            redis.call('SADD', KEYS[3], ARGV[3])
            for i = 4, #ARGV do
              redis.call('XADD', KEYS[1], '*', 'job', ARGV[i], 'queue', ARGV[2], 'type', ARGV[3])
              redis.call('HINCRBY', KEYS[2], ARGV[i], 1)
            end
            return #ARGV - 3
            """);

    /**
     * KEYS: stream, held index. ARGV: group, then (entry id, job id) pairs. The index only counts
     * down for an entry this call really deleted, so a second ack of the same delivery (or an ack
     * after a purge) leaves it exact.
     */
    static final Script ACK = new Script("""
            local removed = 0
            for i = 2, #ARGV, 2 do
              redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
              if redis.call('XDEL', KEYS[1], ARGV[i]) == 1 then
                removed = removed + 1
                if redis.call('HINCRBY', KEYS[2], ARGV[i + 1], -1) <= 0 then redis.call('HDEL', KEYS[2], ARGV[i + 1]) end
              end
            end
            return removed
            """);

    /**
     * KEYS: stream, dead-letter stream. ARGV: group, entry id, reason, dead-letter cap, then the
     * entry's fields and values (renamed, so they cannot clash with ours).
     */
    static final Script DEAD_LETTER = new Script("""
            redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'stream', KEYS[1], 'entry', ARGV[2], 'reason', ARGV[3], unpack(ARGV, 5))
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            redis.call('XDEL', KEYS[1], ARGV[2])
            return 1
            """);

    /**
     * KEYS: types set, then (stream, held index) pairs. ARGV: the type of each pair. Deletes the
     * streams (their group goes with them and is made again by the next publish or receive) and
     * takes their types off the set, and only theirs: a type published meanwhile stays listed.
     * Returns how many entries they held.
     */
    static final Script PURGE = new Script("""
            local dropped = 0
            for i = 2, #KEYS, 2 do
              dropped = dropped + redis.call('XLEN', KEYS[i])
              redis.call('DEL', KEYS[i], KEYS[i + 1])
              redis.call('SREM', KEYS[1], ARGV[i / 2])
            end
            return dropped
            """);

    /**
     * KEYS: stream. ARGV: group, idle milliseconds, the caller's consumer name. Every node that ever
     * read a stream stays a consumer of its group; this removes those holding nothing and silent
     * for that long (a node that reads again is added back by Redis). Atomic, so a consumer cannot
     * receive an entry between being looked at and being removed with it.
     */
    static final Script FORGET_CONSUMERS = new Script("""
            local gone = 0
            for _, c in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
              local name, pending, idle
              for i = 1, #c, 2 do
                if c[i] == 'name' then name = c[i + 1] elseif c[i] == 'pending' then pending = c[i + 1] elseif c[i] == 'idle' then idle = c[i + 1] end
              end
              if name ~= ARGV[3] and pending == 0 and idle ~= nil and idle >= tonumber(ARGV[2]) then
                redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
                gone = gone + 1
              end
            end
            return gone
            """);

    private RedisScripts() {
    }

    /** A script run by its digest, sent whole only when Redis does not know it (first use, or after a restart). */
    record Script(String text, String sha) {
        Script(String text) {
            this(text, sha1(text));
        }

        CompletableFuture<Long> run(RedisAsyncCommands<String, String> redis, String[] keys, String... args) {
            return redis.<Long>evalsha(sha, ScriptOutputType.INTEGER, keys, args).toCompletableFuture()
                    .exceptionallyCompose(e -> {
                        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                        if (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT")) {
                            return redis.<Long>eval(text, ScriptOutputType.INTEGER, keys, args).toCompletableFuture();
                        }
                        return CompletableFuture.failedFuture(cause);
                    });
        }

        private static String sha1(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is missing from this JVM", e);
            }
        }
    }
}
