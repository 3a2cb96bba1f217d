package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The PostgreSQL the tests use: database {@code ordo_test} on the server of {@code ORDO_TEST_PG_URL}
 * (default 127.0.0.1:5432, user postgres), created on first use; every test gets a schema of its own.
 */
final class PgTestDatabase {
    static final String USER = System.getenv().getOrDefault("ORDO_TEST_PG_USER", "postgres");
    static final String PASSWORD = System.getenv("ORDO_TEST_PG_PASSWORD");
    static final String URL = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
    private static volatile boolean created;

    private PgTestDatabase() {
    }

    /** The server's maintenance database, to create ordo_test from. */
    private static String adminUrl() {
        int q = URL.indexOf('?');
        String base = q < 0 ? URL : URL.substring(0, q);
        return base.substring(0, base.lastIndexOf('/') + 1) + "postgres" + (q < 0 ? "" : URL.substring(q));
    }

    private static String databaseName() {
        int q = URL.indexOf('?');
        String base = q < 0 ? URL : URL.substring(0, q);
        return base.substring(base.lastIndexOf('/') + 1);
    }

    static synchronized void ensureDatabase() {
        if (created) return;
        try (Connection c = DriverManager.getConnection(adminUrl(), USER, PASSWORD);
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, databaseName());
            boolean exists;
            try (ResultSet rs = ps.executeQuery()) {
                exists = rs.next();
            }
            if (!exists) {
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE \"" + databaseName() + "\"");
                } catch (SQLException e) {
                    if (!"42P04".equals(e.getSQLState())) throw e; // created meanwhile by another test JVM
                }
            }
            created = true;
        } catch (SQLException e) {
            throw new IllegalStateException("tests need PostgreSQL at " + adminUrl() + " (set ORDO_TEST_PG_URL): " + e.getMessage(), e);
        }
    }

    static String newSchema() {
        ensureDatabase();
        return "ordo_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    static Connection connect() throws SQLException {
        ensureDatabase();
        return DriverManager.getConnection(URL, USER, PASSWORD);
    }

    static void dropSchema(String schema) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test schema " + schema + ": " + e.getMessage(), e);
        }
    }

    static PostgresJobStore open(String schema, Map<String, String> extra) {
        Map<String, String> p = new HashMap<>(extra);
        p.put("user", USER);
        if (PASSWORD != null) p.put("password", PASSWORD);
        p.put("schema", schema);
        JobStore s = new JdbcStoreProvider().open(URL, p);
        return (PostgresJobStore) s;
    }

    static PostgresJobStore open(String schema) {
        return open(schema, Map.of("maxPoolSize", "8"));
    }
}
