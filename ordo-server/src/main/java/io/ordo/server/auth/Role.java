package io.ordo.server.auth;

/** What a token may do: {@code admin} everything, {@code read} only reads (GET, HEAD and a few read-only POSTs). */
public enum Role {
    ADMIN, READ;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
