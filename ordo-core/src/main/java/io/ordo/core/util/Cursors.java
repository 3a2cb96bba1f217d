package io.ordo.core.util;

import io.ordo.core.InvalidRequestException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/** Opaque keyset cursors: the id of the last item of a page, base64url-encoded. */
public final class Cursors {
    private Cursors() {
    }

    public static String encode(UUID lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastId.toString().getBytes(StandardCharsets.US_ASCII));
    }

    public static UUID decode(String cursor) {
        if (cursor == null || cursor.isBlank()) return null;
        try {
            return UUID.fromString(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("cursor '" + cursor + "' is not a cursor returned by a listing");
        }
    }

    /** A cursor over a listing keyed by a number (saved results): the last id seen. */
    public static String encodeSeq(long lastSeq) {
        return Long.toString(lastSeq);
    }

    /** The number in a cursor from {@link #encodeSeq}; {@link Long#MAX_VALUE} (from the start) for none. */
    public static long decodeSeq(String cursor) {
        if (cursor == null || cursor.isBlank()) return Long.MAX_VALUE;
        try {
            long v = Long.parseLong(cursor.trim());
            if (v > 0) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidRequestException("cursor '" + cursor + "' is not a cursor returned by a listing");
    }
}
