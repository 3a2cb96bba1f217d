package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SqliteOpsFeaturesTest extends JdbcOpsFeaturesTest {
    @TempDir
    Path dir;

    @Override
    protected JobStore openStore() {
        return new JdbcStoreProvider().open("jdbc:sqlite:" + dir.resolve("ordo.db"), Map.of());
    }

    @Test
    void webhooksDueReadsThePartialIndexOnly() throws Exception {
        SqliteJobStore store = (SqliteJobStore) open();
        StringBuilder plan = new StringBuilder();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.path());
             PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + store.ops.webhooksDueSql())) {
            ps.setInt(1, 100);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) plan.append(rs.getString("detail")).append('\n');
            }
        }
        assertThat(plan.toString()).contains("ordo_jobs_webhook_due_idx").doesNotContain("USE TEMP B-TREE");
    }

    /** A file made by the first release (V1 only) is brought up to V2 at open; its jobs read back without a webhook. */
    @Test
    void aV1FileIsMigratedAndItsJobsKept() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("old.db");
        org.sqlite.SQLiteDataSource ds = new org.sqlite.SQLiteDataSource();
        ds.setUrl(url);
        org.flywaydb.core.Flyway.configure(getClass().getClassLoader()).dataSource(ds).locations("classpath:db/migration/sqlite")
                .table(Migrations.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0").target("1").load().migrate();
        try (Connection c = DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
            st.execute("INSERT INTO ordo_jobs (id, type, queue, status, max_attempts, run_at, root_id, created_at, updated_at) VALUES "
                    + "('0190a000-0000-7000-8000-000000000001', 'noop', 'default', 'completed', 1, 0, '0190a000-0000-7000-8000-000000000001', 0, 0)");
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'ordo_events'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("V1 only so far").isZero();
            }
        }
        JobStore store = new JdbcStoreProvider().open(url, Map.of());
        try {
            assertThat(store.get(java.util.UUID.fromString("0190a000-0000-7000-8000-000000000001")).orElseThrow().webhookUrl()).isNull();
            assertThat(store.webhooksDue(10)).isEmpty();
            assertThat(store.lastEventId()).isZero();
        } finally {
            store.close();
        }
    }
}
