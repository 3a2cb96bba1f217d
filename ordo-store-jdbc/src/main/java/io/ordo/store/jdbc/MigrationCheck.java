package io.ordo.store.jdbc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a database's schema history already matches the migrations on the classpath, found with
 * one query and a listing of the migration folder, without Flyway. It answers "up to date" only
 * when every history row succeeded and the applied versions are exactly the shipped ones; any doubt
 * (no history table, a file it cannot read, a name it does not know) answers "no", so that Flyway
 * decides and reports. Like Flyway's {@code migrate}, it does not compare checksums of applied files.
 */
final class MigrationCheck {
    private static final Logger log = LoggerFactory.getLogger(MigrationCheck.class);
    private static final Pattern VERSIONED = Pattern.compile("V([0-9][0-9_.]*)__.+\\.sql");
    /** Rows Flyway writes for itself, not for a migration file: the baseline (version 0) and "schema created". */
    private static final Set<String> MARKERS = Set.of("BASELINE", "SCHEMA");
    private static final Map<String, Set<String>> SHIPPED = new ConcurrentHashMap<>();

    private MigrationCheck() {
    }

    static String location(String dialect) {
        return "db/migration/" + dialect;
    }

    static boolean upToDate(DataSource ds, String dialect, String schema) {
        Set<String> shipped = SHIPPED.computeIfAbsent(dialect, MigrationCheck::shipped);
        if (shipped.isEmpty()) return false;
        Set<String> applied = applied(ds, dialect, schema);
        boolean same = shipped.equals(applied);
        if (same) log.debug("{} schema up to date at version(s) {}: Flyway skipped", dialect, applied);
        return same;
    }

    /** Versions of the shipped migration files; empty when they cannot all be listed and understood. */
    static Set<String> shipped(String dialect) {
        Set<String> out = new TreeSet<>();
        try {
            Enumeration<URL> dirs = MigrationCheck.class.getClassLoader().getResources(location(dialect) + "/");
            while (dirs.hasMoreElements()) {
                if (!list(dirs.nextElement(), location(dialect) + "/", out)) return Set.of();
            }
        } catch (IOException | RuntimeException e) {
            log.debug("cannot list the {} migrations ({}): Flyway decides", dialect, e.toString());
            return Set.of();
        }
        return Set.copyOf(out);
    }

    /** Adds the versions in one classpath folder to {@code out}; false if it is not a folder or jar it can read, or holds a file it does not know. */
    static boolean list(URL dir, String prefix, Set<String> out) throws IOException {
        switch (dir.getProtocol()) {
            case "file" -> {
                Path path;
                try {
                    path = Path.of(dir.toURI());
                } catch (URISyntaxException e) {
                    return false;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(path)) {
                    for (Path f : files) if (!add(f.getFileName().toString(), out)) return false;
                }
                return true;
            }
            case "jar" -> {
                URLConnection conn = dir.openConnection();
                if (!(conn instanceof JarURLConnection jar)) return false;
                jar.setUseCaches(false); // a JarFile of our own, closed below: the jar stays replaceable
                try (JarFile file = jar.getJarFile()) {
                    Enumeration<JarEntry> entries = file.entries();
                    while (entries.hasMoreElements()) {
                        String name = entries.nextElement().getName();
                        if (name.length() > prefix.length() && name.startsWith(prefix) && !add(name.substring(prefix.length()), out)) {
                            return false;
                        }
                    }
                }
                return true;
            }
            default -> {
                return false; // e.g. a nested jar of another packaging: leave it to Flyway's scanner
            }
        }
    }

    private static boolean add(String fileName, Set<String> out) {
        Matcher m = VERSIONED.matcher(fileName);
        if (!m.matches()) return false; // repeatable or other files: only Flyway knows what to do
        out.add(m.group(1).replace('_', '.'));
        return true;
    }

    /** The versions in the history, baseline left out; empty when it has none, cannot be read, or holds a failed row. */
    private static Set<String> applied(DataSource ds, String dialect, String schema) {
        Set<String> out = new TreeSet<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            String table = Migrations.HISTORY_TABLE;
            if (schema != null) {
                table = quote(schema) + "." + table;
            } else if (dialect.equals("postgresql")) {
                // Flyway's default schema is current_schema(); an unqualified name could find a
                // history table in a later schema of the search path
                try (ResultSet rs = st.executeQuery("SELECT current_schema()")) {
                    if (!rs.next() || rs.getString(1) == null) return Set.of();
                    table = quote(rs.getString(1)) + "." + table;
                }
            }
            if (dialect.equals("postgresql") && !exists(c, table)) return Set.of(); // a fresh database
            try (ResultSet rs = st.executeQuery("SELECT version, type, success FROM " + table)) {
                while (rs.next()) {
                    String version = rs.getString(1);
                    if (!rs.getBoolean(3)) return Set.of(); // a failed migration: Flyway reports it
                    if (MARKERS.contains(rs.getString(2))) continue;
                    if (version == null) return Set.of(); // a repeatable migration: not Ordo's
                    out.add(version);
                }
            }
        } catch (SQLException e) {
            // most often: no history table yet (a fresh database)
            log.debug("no readable {} schema history ({}): Flyway decides", dialect, e.getMessage());
            return Set.of();
        }
        return out;
    }

    /** Asked first on PostgreSQL, whose server log would otherwise hold an ERROR for every fresh database. */
    private static boolean exists(Connection c, String table) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
