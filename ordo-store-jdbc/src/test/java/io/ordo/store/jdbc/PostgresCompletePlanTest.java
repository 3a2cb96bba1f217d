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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batch completion looks up each job's live children in ordo_child_counts. A generic plan cached
 * while that table was empty must not read it once per completed job when it has grown: at worst it
 * reads it once per statement (a hashed lookup) until the next (auto)analyze re-plans it, after which
 * each job is one primary-key probe. See DESIGN.md §6 and PostgresClaimPlanTest.
 */
class PostgresCompletePlanTest {
    private static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    private static final int COUNTER_ROWS = 50_000;

    private String schema;
    private PostgresJobStore store;

    @AfterEach
    void cleanUp() {
        if (store != null) store.close();
        if (schema != null) PgTestDatabase.dropSchema(schema);
    }

    @Test
    void genericCompletePlanReadsTheChildCountersAtMostOncePerStatement() throws Exception {
        schema = PgTestDatabase.newSchema();
        store = PgTestDatabase.open(schema);
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < 100; i++) jobs.add(TestJobs.at(T0).build());
        store.insert(jobs, InsertOptions.NONE);
        List<Job> running = store.claim(new ClaimRequest("default", Set.of("noop"), 100, "w", Duration.ofSeconds(30), T0));
        assertThat(running).hasSize(100);

        String sql = store.completeSql();
        int n = 0;
        StringBuilder numbered = new StringBuilder();
        for (char ch : sql.toCharArray()) numbered.append(ch == '?' ? "$" + (++n) : String.valueOf(ch));
        assertThat(n).isEqualTo(5);
        String ids = running.stream().map(j -> j.id().toString()).collect(Collectors.joining(",", "'{", "}'"));
        String run = "EXECUTE complete(" + ids + ", array_fill('w'::text, ARRAY[100]), array_fill(1, ARRAY[100]), "
                + "array_fill(NULL::text, ARRAY[100]), array_fill('2031-03-01T10:00:01Z'::text, ARRAY[100]))";
        try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path = \"" + schema + "\"");
            st.execute("SET plan_cache_mode = force_generic_plan");
            st.execute("PREPARE complete(uuid[], text[], int4[], text[], text[]) AS " + numbered);
            st.execute("EXECUTE complete('{}', '{}', '{}', '{}', '{}')"); // planned (generically) on empty counters
            st.execute("INSERT INTO ordo_child_counts (parent_id, status, n) SELECT gen_random_uuid(), "
                    + "(ARRAY['pending', 'running', 'completed', 'failed'])[1 + g % 4], 1 + g % 7 FROM generate_series(1, " + COUNTER_ROWS + ") g");

            List<String> nodes = new ArrayList<>();
            long[] stale = explain(c, st, run, nodes);
            assertThat(stale[0]).as("plan cached on empty counters: counter rows read %s", nodes).isLessThanOrEqualTo(COUNTER_ROWS);
            assertThat(stale[1]).as("plan cached on empty counters: counter scans %s", nodes).isLessThanOrEqualTo(2 * 100);

            st.execute("ANALYZE ordo_child_counts"); // what autovacuum does as the counters change
            nodes.clear();
            long[] fresh = explain(c, st, run, nodes);
            assertThat(nodes).as("re-planned").isNotEmpty().allMatch(x -> x.startsWith("Index Scan(ordo_child_counts_pkey)"));
            assertThat(fresh[0]).as("re-planned: counter rows read %s", nodes).isLessThanOrEqualTo(2 * 100);
            assertThat(fresh[1]).as("re-planned: one or two probes per completed job %s", nodes).isLessThanOrEqualTo(2 * 100);
        }
    }

    /**
     * Runs {@code run} under EXPLAIN ANALYZE in a transaction it rolls back; returns {rows read from
     * ordo_child_counts, scans of it}, and describes each node that reads it in {@code nodes}.
     */
    private static long[] explain(Connection c, Statement st, String run, List<String> nodes) throws SQLException {
        c.setAutoCommit(false);
        JsonNode plan;
        try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + run)) {
            rs.next();
            plan = Json.parse(rs.getString(1)).get(0).get("Plan");
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
        long[] out = new long[2];
        counterReads(plan, out, nodes);
        return out;
    }

    private static void counterReads(JsonNode node, long[] out, List<String> nodes) {
        if ("ordo_child_counts".equals(node.path("Relation Name").asText())) {
            long loops = Math.max(1, node.path("Actual Loops").asLong(1));
            long rows = (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong()) * loops;
            out[0] += rows;
            out[1] += loops;
            nodes.add(node.path("Node Type").asText() + (node.has("Index Name") ? "(" + node.get("Index Name").asText() + ")" : "")
                    + " rows=" + rows + " loops=" + loops);
        }
        for (JsonNode child : node.path("Plans")) counterReads(child, out, nodes);
    }
}
