package io.ordo.store.jdbc;

import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.testkit.TestJobs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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

    /** The hot path stays as it was: its statements name no new table, and plain jobs never enter the webhook index. */
    @Test
    void claimAndCompleteWriteOnlyTheJobsAndTheirStatusEvents() throws Exception {
        PostgresJobStore store = (PostgresJobStore) open();
        for (String sql : List.of(store.claimSql(100), store.completeSql())) {
            assertThat(sql).doesNotContain("ordo_events", "ordo_queue_flags", "ordo_queue_minutes", "ordo_nodes", "ordo_settings",
                    "webhook_queued_at");
        }
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < 500; i++) jobs.add(TestJobs.at(T0).build());
        store.insert(jobs, InsertOptions.NONE);
        int done = 0;
        for (List<Job> got; !(got = store.claim(new ClaimRequest("default", Set.of("noop"), 100, "w", Duration.ofSeconds(30),
                T0.plusSeconds(1)))).isEmpty(); ) {
            store.complete(got.stream().map(j -> new Completion(j.lease(), null, T0.plusSeconds(2))).toList());
            done += got.size();
        }
        assertThat(done).isEqualTo(500);
        try (Connection c = store.pool().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_relation_size('\"" + schema + "\".ordo_jobs_webhook_due_idx'), "
                     + "(SELECT count(*) FROM \"" + schema + "\".ordo_events)")) {
            rs.next();
            assertThat(rs.getLong(1)).as("only the btree's meta page: no plain job was indexed").isEqualTo(8192);
            // the status events, written by the trigger (not by the statements): one per claim, one per completion
            assertThat(rs.getLong(2)).isEqualTo(1000);
        }
    }
}
