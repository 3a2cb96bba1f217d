package io.ordo.store.jdbc;

import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.InsertOptions;
import io.ordo.testkit.TestJobs;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's reads on SQLite: the runs index, and V3 on a file with jobs in it. */
class SqliteDashboardReadsTest {
    private static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void definitionRunsReadTheRunsIndexInOrder() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("ordo.db");
        try (SqliteJobStore store = (SqliteJobStore) new JdbcStoreProvider().open(url, Map.of())) {
            for (boolean paged : List.of(false, true)) {
                String plan = plan(url, store.queries.definitionRunsSql(paged, 21), paged);
                assertThat(plan).as("paged=%s", paged).contains("ordo_jobs_runs_idx").doesNotContain("USE TEMP B-TREE");
            }
        }
    }

    @Test
    void batchesReadTheBatchesIndexInOrder() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("ordo.db");
        try (SqliteJobStore store = (SqliteJobStore) new JdbcStoreProvider().open(url, Map.of())) {
            for (boolean paged : List.of(false, true)) {
                String plan = plan(url, store.queries.batchesSql(paged, 21), paged, 0);
                assertThat(plan).as("paged=%s", paged).contains("ordo_jobs_batches_idx").doesNotContain("USE TEMP B-TREE");
            }
        }
    }

    @Test
    void deadLetterGroupsReadTheFailedIndexInOrder() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("ordo.db");
        JobFilter failed = JobFilter.status(JobStatus.FAILED).withType("a");
        try (SqliteJobStore store = (SqliteJobStore) new JdbcStoreProvider().open(url, Map.of())) {
            for (JobFilter f : List.of(failed, failed.withError("boom"))) {
                String plan = plan(url, store.queries.listSql(f, false, 21, JobQueries.Tree.ANY), false, f.error() == null ? 1 : 2);
                assertThat(plan).as("%s", f).contains("ordo_jobs_failed_idx").doesNotContain("USE TEMP B-TREE");
            }
        }
    }

    private static String plan(String url, String sql, boolean paged) throws SQLException {
        return plan(url, sql, paged, 1);
    }

    /** The plan of {@code sql} with its first {@code texts} parameters bound to "site", then (paged) an id. */
    private static String plan(String url, String sql, boolean paged, int texts) throws SQLException {
        StringBuilder plan = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url); PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql)) {
            for (int i = 1; i <= texts; i++) ps.setString(i, "site");
            if (paged) ps.setString(texts + 1, "ffffffff-ffff-7fff-bfff-ffffffffffff");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) plan.append(rs.getString("detail")).append('\n');
            }
        }
        return plan.toString();
    }

    /** A file made before V3 (V2, with jobs in it) gets its counters by type from its jobs at open. */
    @Test
    void v3CountsTheJobsThatAreThere() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("old.db");
        org.sqlite.SQLiteDataSource ds = new org.sqlite.SQLiteDataSource();
        ds.setUrl(url);
        Flyway.configure(getClass().getClassLoader()).dataSource(ds).locations("classpath:db/migration/sqlite")
                .table(Migrations.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0").target("2").load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("""
                    WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 100)
                    INSERT INTO ordo_jobs (id, type, queue, status, max_attempts, run_at, root_id, created_at, updated_at)
                    SELECT printf('0190a000-0000-7000-8000-%012d', i), CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END, 'default',
                           CASE WHEN i % 2 = 0 THEN 'completed' ELSE 'pending' END, 1, 0,
                           printf('0190a000-0000-7000-8000-%012d', i), 0, 0
                    FROM g""");
        }
        try (SqliteJobStore store = (SqliteJobStore) new JdbcStoreProvider().open(url, Map.of())) {
            assertThat(typeCounters(url)).isEqualTo(Map.of("a|completed", 16L, "a|pending", 17L, "b|completed", 34L, "b|pending", 33L));
            assertThat(store.list(JobFilter.status(JobStatus.PENDING).withType("a"), null, 100).items()).hasSize(17);
            store.insert(List.of(TestJobs.at(T0).type("a").build()), InsertOptions.NONE);
            assertThat(typeCounters(url)).containsEntry("a|pending", 18L);
        }
    }

    private static Map<String, Long> typeCounters(String url) throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT type, status, SUM(n) FROM ordo_job_type_counts GROUP BY type, status HAVING SUM(n) <> 0")) {
            while (rs.next()) out.put(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3));
        }
        return out;
    }
}
