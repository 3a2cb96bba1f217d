package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresOpsFeaturesTest extends JdbcOpsFeaturesTest {
    private String schema;

    @BeforeEach
    void newSchema() {
        schema = PgTestDatabase.newSchema();
    }

    @AfterEach
    void dropSchema() {
        closeStores();
        PgTestDatabase.dropSchema(schema);
    }

    @Override
    protected JobStore openStore() {
        return PgTestDatabase.open(schema);
    }

    /** With sequential scans priced out, the planner can answer webhooksDue from the partial index (its predicate is implied). */
    @Test
    void webhooksDueCanUseThePartialIndex() throws Exception {
        PostgresJobStore store = (PostgresJobStore) open();
        StringBuilder plan = new StringBuilder();
        try (Connection c = store.pool().getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL enable_seqscan = off");
            }
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + store.ops.webhooksDueSql())) {
                ps.setInt(1, 100);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) plan.append(rs.getString(1)).append('\n');
                }
            }
            c.rollback();
        }
        assertThat(plan.toString()).contains("ordo_jobs_webhook_due_idx");
    }
}
