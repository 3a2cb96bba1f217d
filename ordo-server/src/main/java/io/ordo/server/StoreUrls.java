package io.ordo.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** What the server needs to know about a store URL before and after opening it. */
public final class StoreUrls {
    private static final String SQLITE = "jdbc:sqlite:";

    private StoreUrls() {
    }

    /** The database file of a {@code jdbc:sqlite:} URL, unless it is in-memory. */
    public static Optional<Path> sqliteFile(String url) {
        if (!url.regionMatches(true, 0, SQLITE, 0, SQLITE.length())) return Optional.empty();
        String rest = url.substring(SQLITE.length());
        int q = rest.indexOf('?');
        if (q >= 0) rest = rest.substring(0, q);
        if (rest.startsWith("file:")) rest = rest.substring("file:".length());
        if (rest.isBlank() || rest.equals(":memory:") || rest.contains("mode=memory")) return Optional.empty();
        return Optional.of(Path.of(rest));
    }

    /** Whether the URL names the in-memory store, which no other process can reach. */
    public static boolean inMemory(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith("memory:");
    }

    /** Creates the directory a SQLite file lives in, so that {@code ./ordo server} works in an empty directory. */
    public static void prepare(String url) {
        sqliteFile(url).map(Path::toAbsolutePath).map(Path::getParent).ifPresent(dir -> {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create data directory " + dir + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * A short, credential-free description for logs and the ready line: {@code sqlite data/ordo.db},
     * {@code postgresql db.example:5432/ordo}, {@code memory}.
     */
    public static String describe(String url) {
        Optional<Path> file = sqliteFile(url);
        if (file.isPresent()) return "sqlite " + file.get();
        String lower = url.toLowerCase(Locale.ROOT);
        if (inMemory(url)) return "memory";
        if (lower.startsWith("jdbc:postgresql:")) {
            String rest = url.substring("jdbc:postgresql:".length());
            int q = rest.indexOf('?');
            if (q >= 0) rest = rest.substring(0, q); // the query may carry user and password
            if (rest.startsWith("//")) rest = rest.substring(2);
            int at = rest.lastIndexOf('@');
            if (at >= 0) rest = rest.substring(at + 1);
            return "postgresql " + rest;
        }
        int colon = url.indexOf(':', url.startsWith("jdbc:") ? 5 : 0);
        return colon > 0 ? url.substring(0, colon) : url;
    }
}
