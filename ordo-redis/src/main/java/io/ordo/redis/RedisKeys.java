package io.ordo.redis;

import java.nio.charset.StandardCharsets;

/**
 * Where the transport keeps things in Redis. Every key starts with {@link #PREFIX}:
 * <ul>
 *   <li>{@code ordo:q:QUEUE:TYPE} a stream per channel, with the consumer group {@link #GROUP};</li>
 *   <li>{@code ordo:held:QUEUE:TYPE} a hash of job id to how many entries of that channel carry it
 *       (so {@link io.ordo.core.queue.QueueTransport#held} is exact without scanning the stream);</li>
 *   <li>{@code ordo:types:QUEUE} the set of types ever published to a queue (so count and purge
 *       also cover types the caller did not name);</li>
 *   <li>{@code ordo:dead} the dead-letter stream of unreadable entries.</li>
 * </ul>
 * Queue and type names are percent-encoded except for {@code [A-Za-z0-9._-]}, so a name with
 * {@code :} cannot make two channels share a key, and common names stay readable in redis-cli.
 */
final class RedisKeys {
    static final String PREFIX = "ordo:";
    static final String GROUP = "ordo";
    static final String DEAD_LETTERS = PREFIX + "dead";
    private static final String STREAM = PREFIX + "q:";
    private static final String HELD = PREFIX + "held:";
    private static final String TYPES = PREFIX + "types:";
    /** Between the stream key and the entry id in a receipt; neither part can contain it. */
    private static final char RECEIPT_SEPARATOR = '#';
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RedisKeys() {
    }

    static String stream(String queue, String type) {
        return STREAM + encode(queue) + ":" + encode(type);
    }

    static String types(String queue) {
        return TYPES + encode(queue);
    }

    /** The held index of the channel whose stream is {@code streamKey}. */
    static String heldOf(String streamKey) {
        if (!streamKey.startsWith(STREAM)) throw new IllegalArgumentException("not a channel stream: " + streamKey);
        return HELD + streamKey.substring(STREAM.length());
    }

    static String receipt(String streamKey, String entryId) {
        return streamKey + RECEIPT_SEPARATOR + entryId;
    }

    /** {@code [streamKey, entryId]}, or null when the receipt is not one of ours. */
    static String[] parseReceipt(String receipt) {
        if (receipt == null) return null;
        int at = receipt.lastIndexOf(RECEIPT_SEPARATOR);
        if (at <= STREAM.length() || at == receipt.length() - 1 || !receipt.startsWith(STREAM)) return null;
        return new String[] {receipt.substring(0, at), receipt.substring(at + 1)};
    }

    static String encode(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }
}
