package io.ordo.rabbitmq;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Names of what the transport declares in RabbitMQ, all starting with one prefix ({@code ordo} by
 * default):
 * <ul>
 *   <li>{@code PREFIX.QUEUE~TYPE}: the quorum queue of one channel (queue and type);</li>
 *   <li>{@code PREFIX.dead}: the fanout exchange and the queue that keep dead-lettered messages;</li>
 *   <li>{@code PREFIX.types}: the stream that records which types each queue has;</li>
 *   <li>{@code PREFIX.lock.HASH}: short-lived exclusive queues that serialize the first
 *       declaration of a queue (see {@link Declarer}).</li>
 * </ul>
 * Ordo's names may contain '.', so a channel's queue and type are joined with '~', which they cannot
 * contain; any character outside Ordo's name alphabet (including '~' and '%') is escaped as
 * {@code %XX} of its UTF-8 bytes, so that two channels never share a queue.
 */
final class QueueNames {
    static final String DEFAULT_PREFIX = "ordo";
    /** RabbitMQ's limit on a queue name, in bytes (the names here are ASCII). */
    static final int MAX_LENGTH = 255;
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");
    private static final int HASH_CHARS = 24;

    private final String prefix;

    QueueNames(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches() || prefix.startsWith("amq.")) {
            throw new IllegalArgumentException("prefix '" + prefix + "' is invalid: use 1-64 letters, digits, '_', '.', ':' or '-', starting with a letter or digit, not 'amq.'");
        }
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    /** The quorum queue of {@code queue} and {@code type}. */
    String channel(String queue, String type) {
        String name = prefix + "." + escape(queue) + "~" + escape(type);
        if (name.length() <= MAX_LENGTH) return name;
        // Two names of 128 characters do not fit: keep a readable head and make it unique with a hash
        // of the whole name (the head alone could be shared by two channels).
        String hash = sha256(name).substring(0, HASH_CHARS);
        return name.substring(0, MAX_LENGTH - HASH_CHARS - 2) + "~#" + hash;
    }

    String deadLetters() {
        return prefix + ".dead";
    }

    String registry() {
        return prefix + ".types";
    }

    /** The exclusive queue that guards the first declaration of queue {@code name}. */
    String lock(String name) {
        return prefix + ".lock." + sha256(name).substring(0, HASH_CHARS);
    }

    boolean isLock(String name) {
        return name.startsWith(prefix + ".lock.");
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == ':' || c == '-';
            if (plain) out.append(c);
            else out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        return out.toString();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
