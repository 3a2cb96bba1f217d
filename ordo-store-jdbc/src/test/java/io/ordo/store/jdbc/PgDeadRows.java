package io.ordo.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Dead rows made on purpose in a test schema's jobs table, and the statistics that count them. */
final class PgDeadRows {
    private PgDeadRows() {
    }

    /** {@code n} completed jobs, written directly (the duty reads only row counts). */
    static void insertJobs(String schema, int n) throws SQLException {
        try (Connection c = PgTestDatabase.connect();
             PreparedStatement ps = c.prepareStatement("INSERT INTO \"" + schema + "\".ordo_jobs "
                     + "(id, type, queue, status, max_attempts, run_at, root_id, created_at, updated_at) "
                     + "SELECT g.id, 'work', 'default', 'completed', 1, now(), g.id, now(), now() "
                     + "FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, ?)) g")) {
            ps.setInt(1, n);
            ps.executeUpdate();
        }
    }

    /** Every job row gets a new version, so the old ones are dead; the session's statistics are sent at once (PostgreSQL 15). */
    static void rewriteJobs(String schema) throws SQLException {
        try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE \"" + schema + "\".ordo_jobs SET updated_at = now()");
            st.execute("SELECT pg_stat_force_next_flush()");
        }
    }

    /** {@code n_dead_tup} of a table of the schema (statistics arrive asynchronously: await it). */
    static long deadRows(String schema, String table) throws SQLException {
        try (Connection c = PgTestDatabase.connect();
             PreparedStatement ps = c.prepareStatement("SELECT n_dead_tup FROM pg_stat_user_tables WHERE schemaname = ? AND relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
