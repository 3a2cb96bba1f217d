package io.ordo.server.auth;

import io.ordo.core.InvalidRequestException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The configured API tokens and their roles. Presented tokens are compared in constant time: each
 * side is hashed (SHA-256, so lengths do not leak) and every configured token is compared, with no
 * early exit. A login cookie carries {@link #sessionValue}, an HMAC of the token rather than the
 * token itself: it does not reveal the token, works on every node with the same tokens and stops
 * working when the token is removed.
 */
public final class ApiTokens {
    /** Shorter tokens are refused at start-up: a guessable token is no protection. */
    public static final int MIN_LENGTH = 16;
    private static final ApiTokens NONE = new ApiTokens(List.of());

    private record Entry(byte[] tokenHash, byte[] sessionHash, Role role) {
    }

    private final List<Entry> entries;
    private final int admins;
    private final int readers;

    private ApiTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        this.admins = (int) entries.stream().filter(e -> e.role == Role.ADMIN).count();
        this.readers = entries.size() - admins;
    }

    public static ApiTokens none() {
        return NONE;
    }

    /** Validates and keeps the tokens; a token may hold one role only. */
    public static ApiTokens of(List<String> adminTokens, List<String> readTokens) {
        List<Entry> entries = new ArrayList<>();
        for (String t : adminTokens) entries.add(entry(t, Role.ADMIN));
        for (String t : readTokens) {
            if (adminTokens.contains(t)) throw new InvalidRequestException("the same token is configured as an admin and a read token");
            entries.add(entry(t, Role.READ));
        }
        return new ApiTokens(entries);
    }

    private static Entry entry(String token, Role role) {
        if (token == null || token.isBlank()) throw new InvalidRequestException(role.wireName() + " token is empty");
        if (!token.equals(token.strip()) || token.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            throw new InvalidRequestException(role.wireName() + " token: must not contain spaces or control characters");
        }
        if (token.length() < MIN_LENGTH) {
            throw new InvalidRequestException(role.wireName() + " token: at least " + MIN_LENGTH + " characters (got " + token.length() + ")");
        }
        return new Entry(sha256(token), sha256(sessionValue(token)), role);
    }

    /** Whether any token is configured (then every route but login, health and ready needs one). */
    public boolean enabled() {
        return !entries.isEmpty();
    }

    public int adminCount() {
        return admins;
    }

    public int readCount() {
        return readers;
    }

    /** The role of {@code token}, or null when it is not one of the configured tokens. */
    public Role roleOf(String token) {
        return token == null ? null : match(sha256(token), false);
    }

    /** The role of a login cookie's value, or null. */
    public Role roleOfSession(String value) {
        return value == null ? null : match(sha256(value), true);
    }

    private Role match(byte[] presented, boolean session) {
        Role found = null;
        for (Entry e : entries) {
            // no early exit: the time taken does not depend on which token matched
            if (MessageDigest.isEqual(presented, session ? e.sessionHash : e.tokenHash) && found == null) found = e.role;
        }
        return found;
    }

    /** The login cookie's value for {@code token}: HMAC-SHA256 keyed by the token, base64url. */
    public static String sessionValue(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal("ordo-session-v1".getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
