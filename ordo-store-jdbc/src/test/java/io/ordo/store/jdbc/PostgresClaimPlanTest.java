package io.ordo.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.util.Json;
import io.ordo.testkit.TestJobs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md §6: the driver server-prepares a statement after 5 executions and the server may then
 * switch to a generic plan, planned here on an empty table. Claims must still lock only their
 * limit, so a second claimer gets other rows at once.
 */
class PostgresClaimPlanTest {
    private static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    private static final int JOBS = 50_000;

    private String schema;
    private PostgresJobStore store;

    @AfterEach
    void cleanUp() {
        if (store != null) store.close();
        if (schema != null) PgTestDatabase.dropSchema(schema);
    }

    @Test
    void claimLocksOnlyItsLimitAfterPlansWereCachedOnAnEmptyTable() throws Exception {
        claimAfterWarmUpOnEmptyTable(Map.of(), false);
    }

    @Test
    void claimLocksOnlyItsLimitEvenWithAForcedGenericPlan() throws Exception {
        claimAfterWarmUpOnEmptyTable(Map.of("options", "-c plan_cache_mode=force_generic_plan"), true);
    }

    private void claimAfterWarmUpOnEmptyTable(Map<String, String> extra, boolean generic) throws Exception {
        schema = PgTestDatabase.newSchema();
        Map<String, String> props = new java.util.HashMap<>(extra);
        props.put("maxPoolSize", "2"); // claimer A and claimer B: both pooled connections warmed up
        store = PgTestDatabase.open(schema, props);
        ClaimRequest warm = new ClaimRequest("default", Set.of("noop"), 10, "warm", Duration.ofSeconds(30), T0);

        try (Connection c1 = store.pool().getConnection(); Connection c2 = store.pool().getConnection()) {
            for (int i = 0; i < 12; i++) {
                assertThat(store.claimOn(c1, warm)).isEmpty();
                assertThat(store.claimOn(c2, warm)).isEmpty();
            }
            for (Connection c : List.of(c1, c2)) {
                long[] plans = cachedClaimPlans(c);
                assertThat(plans[0] + plans[1]).as("claim is a server-prepared statement with cached plans").isGreaterThanOrEqualTo(5);
                if (generic) assertThat(plans[0]).as("generic plans used").isPositive();
            }
        }

        for (int done = 0; done < JOBS; done += 5_000) {
            List<NewJob> batch = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) batch.add(TestJobs.at(T0).build());
            store.insert(batch, InsertOptions.NONE);
        }

        try (Connection a = store.pool().getConnection()) {
            a.setAutoCommit(false);
            List<Job> byA = store.claimOn(a, new ClaimRequest("default", Set.of("noop"), 10, "A", Duration.ofSeconds(30), T0));
            String xidOfA = currentXid(a);

            long start = System.nanoTime();
            List<Job> byB = store.claim(new ClaimRequest("default", Set.of("noop"), 10, "B", Duration.ofSeconds(30), T0));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();

            assertThat(byA).hasSize(10);
            assertThat(byB).hasSize(10);
            Set<UUID> distinct = new HashSet<>();
            byA.forEach(j -> distinct.add(j.id()));
            byB.forEach(j -> distinct.add(j.id()));
            assertThat(distinct).as("A and B claimed different jobs").hasSize(20);
            assertThat(millis).as("B waited for nothing").isLessThan(500);
            assertThat(rowsLockedBy(xidOfA)).as("rows A's open transaction locked").isEqualTo(10);
            a.rollback();
        }
    }

    /**
     * The store's own claim statement, prepared with a forced generic plan while the table is empty,
     * then run on 50k pending jobs: no node of the plan may touch more than a few times the limit
     * (a plan that joins through the pending index reads the whole backlog).
     */
    @Test
    void genericClaimPlanReadsOnlyAboutItsLimitOnAFullTable() throws Exception {
        schema = PgTestDatabase.newSchema();
        store = PgTestDatabase.open(schema);
        String sql = store.claimSql(10);
        int n = 0;
        StringBuilder numbered = new StringBuilder();
        for (char ch : sql.toCharArray()) numbered.append(ch == '?' ? "$" + (++n) : String.valueOf(ch));
        assertThat(n).isEqualTo(7);
        try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement()) {
            st.execute("SET plan_cache_mode = force_generic_plan");
            st.execute("PREPARE claim(text, text[], text[], text, timestamptz, timestamptz, timestamptz) AS " + numbered);
            String run = "EXECUTE claim('default', '{noop}', '{\"\"}', 'w', '2031-03-01T10:00:30Z', '2031-03-01T10:00:00Z', '2031-03-01T10:00:00Z')";
            st.execute(run); // plans (generically) and runs it on the empty table
            for (int done = 0; done < JOBS; done += 5_000) {
                List<NewJob> batch = new ArrayList<>();
                for (int i = 0; i < 5_000; i++) batch.add(TestJobs.at(T0).build());
                store.insert(batch, InsertOptions.NONE);
            }
            c.setAutoCommit(false);
            JsonNode plan;
            try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + run)) {
                rs.next();
                plan = Json.parse(rs.getString(1)).get(0).get("Plan");
            }
            c.rollback();
            List<String> nodes = new ArrayList<>();
            long worst = mostRowsTouched(plan, nodes);
            assertThat(worst).as("rows read by the busiest plan node: %s", nodes).isLessThanOrEqualTo(50);
            assertThat(plan.toString()).contains("LockRows").contains("ordo_jobs_claim_idx");
        }
    }

    /** The largest (actual rows x loops + rows removed by filter) of any node; every node described in {@code out}. */
    private static long mostRowsTouched(JsonNode node, List<String> out) {
        long loops = Math.max(1, node.path("Actual Loops").asLong(1));
        long touched = node.path("Actual Rows").asLong() * loops + node.path("Rows Removed by Filter").asLong();
        out.add(node.path("Node Type").asText() + (node.has("Index Name") ? "(" + node.get("Index Name").asText() + ")" : "") + "=" + touched);
        long worst = touched;
        for (JsonNode child : node.path("Plans")) worst = Math.max(worst, mostRowsTouched(child, out));
        return worst;
    }

    /** {generic plans, custom plans} of the claim statement prepared on this connection. */
    private static long[] cachedClaimPlans(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%SKIP LOCKED%'")) {
            assertThat(rs.next()).as("claim statement is server-prepared on this connection").isTrue();
            return new long[]{rs.getLong(1), rs.getLong(2)};
        }
    }

    private static String currentXid(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (pg_current_xact_id()::text::bigint % 4294967296)::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Rows whose visible version carries A's xid as xmax: those A updated or locked and has not committed. */
    private long rowsLockedBy(String xid) throws SQLException {
        try (Connection c = PgTestDatabase.connect();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM \"" + schema + "\".ordo_jobs WHERE xmax::text = ?")) {
            ps.setString(1, xid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
