package io.ordo.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A fresh schema in the benchmark database for one peer run, with a pool whose connections use it. */
final class PeerDb implements AutoCloseable {
    final String schema;
    final HikariDataSource dataSource;

    PeerDb(String prefix, int poolSize) throws SQLException {
        BenchStore.ensureDatabase();
        schema = prefix + "_" + Long.toHexString(System.nanoTime());
        exec("CREATE SCHEMA " + schema);
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(BenchStore.PG_BASE + BenchStore.PG_DB);
        hc.setUsername("postgres");
        hc.setSchema(schema);
        hc.setMaximumPoolSize(poolSize);
        hc.setPoolName(schema);
        dataSource = new HikariDataSource(hc);
    }

    void exec(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(BenchStore.PG_BASE + BenchStore.PG_DB, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Closes the pool and drops the schema with everything the peer created in it. */
    @Override
    public void close() throws SQLException {
        dataSource.close();
        exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
}
