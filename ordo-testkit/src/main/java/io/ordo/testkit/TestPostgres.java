package io.ordo.testkit;

import io.ordo.core.store.JobStore;
import io.ordo.core.store.JobStoreProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A schema of its own on the test PostgreSQL ({@code ORDO_TEST_PG_URL}, default database
 * {@code ordo_test} on 127.0.0.1:5432, user postgres, which {@code .ci/run} creates), for modules
 * whose tests need a PostgreSQL store beside something else (a broker).
 */
public final class TestPostgres implements AutoCloseable {
    public static final String URL = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
    private static final String USER = System.getenv().getOrDefault("ORDO_TEST_PG_USER", "postgres");

    public final String schema = "ordo_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    /** Opens a store on this schema (ordo-store-jdbc must be on the classpath). */
    public JobStore open() {
        return JobStoreProvider.openUrl(URL, Map.of("user", USER, "schema", schema, "maxPoolSize", "8"));
    }

    /** A connection whose search path is this schema. */
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(URL, USER, System.getenv("ORDO_TEST_PG_PASSWORD"));
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO \"" + schema + "\"");
        }
        return c;
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(URL, USER, System.getenv("ORDO_TEST_PG_PASSWORD")); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test schema " + schema + ": " + e.getMessage(), e);
        }
    }
}
