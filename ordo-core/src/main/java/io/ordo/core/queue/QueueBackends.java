package io.ordo.core.queue;

import io.ordo.core.InvalidRequestException;

/** Names of the built-in backend (the store as the queue) and the check of a backend URL. */
public final class QueueBackends {
    /** The store is the queue: the default. */
    public static final String JDBC = "jdbc";

    private QueueBackends() {
    }

    /** True for the default (null, blank, "jdbc"). */
    public static boolean isStore(String url) {
        return url == null || url.isBlank() || url.trim().equalsIgnoreCase(JDBC);
    }

    /** A clear error for a URL that cannot name a backend, before anything connects. */
    public static String check(String url) {
        if (isStore(url)) return JDBC;
        String u = url.trim();
        if (!u.contains("://")) {
            // what follows a colon might be a password: not echoed
            String shown = u.contains(":") ? u.substring(0, u.indexOf(':')) + ":…" : u;
            throw new InvalidRequestException("queue backend '" + shown
                    + "' is not a URL: use jdbc (the default), redis://HOST:PORT or amqp://USER:PASS@HOST:PORT");
        }
        return u;
    }
}
