package io.ordo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Where {@link DashboardBench} keeps its jobs: a PostgreSQL schema or a SQLite file, new or reused,
 * with the SQL that fills, tidies up after filling, describes and drops it.
 *
 * @param name     a schema name or a file path, for reuse
 * @param storeUrl the URL the server opens
 * @param reused   filled by an earlier run (kept afterwards)
 */
record DashboardTarget(String kind, String name, String storeUrl, boolean reused) {

    /** {@code reuse}: a schema or file filled by an earlier run, or empty for a new one. */
    static DashboardTarget of(String store, String reuse) throws Exception {
        boolean reused = !reuse.isEmpty();
        return switch (store) {
            case "postgres", "postgresql" -> {
                BenchStore.ensureDatabase();
                String schema = reused ? reuse : "dash_" + Long.toHexString(System.nanoTime());
                yield new DashboardTarget("postgresql", schema,
                        BenchStore.PG_BASE + BenchStore.PG_DB + "?user=postgres&currentSchema=" + schema, reused);
            }
            case "sqlite" -> {
                Path file = reused ? Path.of(reuse) : Files.createTempDirectory("ordo-dash").resolve("dash.db");
                yield new DashboardTarget("sqlite", file.toString(), "jdbc:sqlite:" + file, reused);
            }
            default -> throw new IllegalArgumentException("unknown store " + store + " (postgres, sqlite)");
        };
    }

    /** A connection of its own (not the server's) with Ordo's tables in reach. */
    Connection connect() throws SQLException {
        if (kind.equals("sqlite")) {
            Connection c = DriverManager.getConnection(storeUrl, props(Map.of("busy_timeout", "30000")));
            return c;
        }
        Connection c = DriverManager.getConnection(BenchStore.PG_BASE + BenchStore.PG_DB, "postgres", "");
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO \"" + name + "\"");
            st.execute("SET TIME ZONE 'UTC'");
        }
        return c;
    }

    private static java.util.Properties props(Map<String, String> m) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(m);
        return p;
    }

    DashboardData.Fixture fill(Connection c, int jobs, int chunk) throws SQLException {
        c.setAutoCommit(false);
        DashboardData.Fixture f = kind.equals("sqlite") ? DashboardSqliteData.fill(c, jobs, Instant.now(), chunk)
                : DashboardData.fill(c, jobs, Instant.now(), chunk);
        c.setAutoCommit(true);
        return f;
    }

    /** What a running store would have done by now: statistics (and on PostgreSQL the visibility map, as autovacuum would). */
    String tidy(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            if (kind.equals("sqlite")) {
                st.execute("ANALYZE");
                return "ANALYZE";
            }
            st.execute("VACUUM (ANALYZE) ordo_jobs, ordo_job_logs, ordo_job_counts, ordo_job_type_counts, ordo_child_counts, ordo_scope_counts");
            return "VACUUM ANALYZE";
        }
    }

    String describe(Connection c) throws Exception {
        String size = kind.equals("sqlite") ? String.format(Locale.ROOT, "database file %,d MB", Files.size(Path.of(name)) >> 20)
                : "ordo_jobs with indexes " + one(c, "SELECT pg_size_pretty(pg_total_relation_size('ordo_jobs'))");
        return String.format(Locale.ROOT, "store: %s jobs (%s failed, %s pending or scheduled, %s definition runs), %s log lines; %s",
                count(c, "SELECT count(*) FROM ordo_jobs"), count(c, "SELECT count(*) FROM ordo_jobs WHERE status = 'failed'"),
                count(c, "SELECT count(*) FROM ordo_jobs WHERE status IN ('pending', 'scheduled')"),
                count(c, "SELECT count(*) FROM ordo_jobs WHERE type = 'ordo.run'"), count(c, "SELECT count(*) FROM ordo_job_logs"), size);
    }

    private static String count(Connection c, String sql) throws SQLException {
        return String.format(Locale.ROOT, "%,d", Long.parseLong(one(c, sql)));
    }

    private static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Drops a new schema or deletes a new file; a reused or kept one stays. */
    void drop() throws Exception {
        if (kind.equals("sqlite")) {
            Path file = Path.of(name);
            for (String suffix : new String[]{"", "-wal", "-shm"}) Files.deleteIfExists(Path.of(file + suffix));
            Files.deleteIfExists(file.getParent());
        } else {
            new BenchStore(kind, storeUrl, Map.of("schema", name), BenchStore.PG_BASE + BenchStore.PG_DB).drop();
        }
    }
}
