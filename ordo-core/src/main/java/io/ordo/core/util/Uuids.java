package io.ordo.core.util;

import java.security.SecureRandom;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit sequence that keeps ids created in
 * the same millisecond increasing within this JVM, then 62 random bits. Ids sort by creation
 * time, so they double as the keyset for listings.
 */
public final class Uuids {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** (millis << 12) | seq of the last id handed out. */
    private static final AtomicLong LAST = new AtomicLong();

    /** Orders UUIDs as unsigned 128-bit numbers: the order of PostgreSQL's uuid and of their text. */
    public static final Comparator<UUID> ORDER = (a, b) -> {
        int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    private Uuids() {
    }

    public static UUID v7() {
        return v7(System.currentTimeMillis());
    }

    static UUID v7(long nowMillis) {
        long stamp = LAST.updateAndGet(prev -> {
            long candidate = nowMillis << 12;
            // same or earlier millisecond (clock went back): continue after the previous id
            return candidate > prev ? candidate : prev + 1;
        });
        long millis = stamp >>> 12;
        long seq = stamp & 0xFFF;
        long msb = (millis << 16) | (0x7L << 12) | seq;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** The smallest UUIDv7 of millisecond {@code t}: every id made before {@code t} sorts below it. */
    public static UUID lowestAt(java.time.Instant t) {
        return new UUID(t.toEpochMilli() << 16, 0L);
    }

    public static UUID parse(String s) {
        try {
            return UUID.fromString(s.trim());
        } catch (RuntimeException e) {
            throw new io.ordo.core.InvalidRequestException("'" + s + "' is not a job id (a UUID)");
        }
    }
}
