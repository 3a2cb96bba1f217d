package io.ordo.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** A fresh, empty database for one benchmark run. */
record BenchStore(String name, String url, Map<String, String> properties, String jdbcBase) {

    static final String PG_BASE = System.getenv().getOrDefault("ORDO_BENCH_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
    static final String PG_DB = "ordo_bench";

    static BenchStore sqlite() throws Exception {
        Path dir = Files.createTempDirectory("ordo-bench");
        return new BenchStore("sqlite", "jdbc:sqlite:" + dir.resolve("bench.db"), Map.of(), null);
    }

    /** A new schema in database {@value #PG_DB} (created if missing) on the local PostgreSQL. */
    static BenchStore postgres() throws SQLException {
        ensureDatabase();
        String schema = "bench_" + Long.toHexString(System.nanoTime());
        return new BenchStore("postgresql", PG_BASE + PG_DB, Map.of("user", "postgres", "schema", schema), PG_BASE + PG_DB);
    }

    static void ensureDatabase() throws SQLException {
        try (Connection c = DriverManager.getConnection(PG_BASE + "postgres", "postgres", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + PG_DB + "'")) {
            if (!rs.next()) s.execute("CREATE DATABASE " + PG_DB);
        }
    }

    /** Drops what the run created. */
    void drop() throws SQLException {
        if (jdbcBase == null) return;
        try (Connection c = DriverManager.getConnection(jdbcBase, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + properties.get("schema") + " CASCADE");
        }
    }
}
