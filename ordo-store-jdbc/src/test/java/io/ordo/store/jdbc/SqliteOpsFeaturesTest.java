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
}
