package io.ordo.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.ResultScope;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listing and counting saved results reads the rows of the asked scope through an index, never the
 * whole table: with 20,000 results over 200 jobs, a page of a tree reads one page of rows, a count
 * reads the tree's rows, and a job-and-children listing reads that job's rows.
 */
class PostgresResultsPlanTest {
    private static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    private static final int JOBS = 200;
    private static final int PER_JOB = 100;

    private String schema;
    private PostgresJobStore store;

    @AfterEach
    void cleanUp() {
        if (store != null) store.close();
        if (schema != null) PgTestDatabase.dropSchema(schema);
    }

    @Test
    void listingsAndCountsReadOnlyTheirScopesRowsThroughAnIndex() throws Exception {
        schema = PgTestDatabase.newSchema();
        store = PgTestDatabase.open(schema);
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) jobs.add(TestJobs.at(T0).build());
        store.insert(jobs, InsertOptions.NONE);
        List<Job> running = store.claim(new ClaimRequest("default", Set.of("noop"), JOBS, "w", Duration.ofSeconds(30), T0));
        assertThat(running).hasSize(JOBS);
        String one = running.get(17).id().toString();

        try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path = \"" + schema + "\"");
            st.execute("INSERT INTO ordo_job_results (job_id, root_id, parent_id, scope_id, title, data, created_at) "
                    + "SELECT j.id, j.root_id, j.parent_id, j.scope_id, 'r' || g, '{}'::jsonb, now() FROM ordo_jobs j, generate_series(1, "
                    + PER_JOB + ") g");
            st.execute("ANALYZE ordo_job_results");
            st.execute("PREPARE tree_page AS " + numbered(store.results.pageSql(ResultScope.Kind.TREE)));
            st.execute("PREPARE tree_count AS " + numbered(store.results.countSql(ResultScope.Kind.TREE)));
            st.execute("PREPARE job_page AS " + numbered(store.results.pageSql(ResultScope.Kind.CHILDREN)));

            List<String> nodes = new ArrayList<>();
            long page = resultRowsRead(c, st, "EXECUTE tree_page('" + one + "', 9223372036854775807, 51)", nodes);
            assertThat(page).as("a page of 50 (+1): %s", nodes).isLessThanOrEqualTo(51);
            assertThat(nodes).as("through an index").isNotEmpty().noneMatch(n -> n.startsWith("Seq Scan"));

            nodes.clear();
            long count = resultRowsRead(c, st, "EXECUTE tree_count('" + one + "')", nodes);
            assertThat(count).as("the tree's rows only: %s", nodes).isLessThanOrEqualTo(PER_JOB);
            assertThat(nodes).isNotEmpty().noneMatch(n -> n.startsWith("Seq Scan"));

            nodes.clear();
            long children = resultRowsRead(c, st, "EXECUTE job_page('" + one + "', '" + one + "', 9223372036854775807, 51)", nodes);
            assertThat(children).as("the job's own rows (it has no children): %s", nodes).isLessThanOrEqualTo(PER_JOB);
            assertThat(nodes).isNotEmpty().noneMatch(n -> n.startsWith("Seq Scan"));
        }
        assertThat(store.countSavedResults(new ResultScope(ResultScope.Kind.TREE, running.get(17).id()))).isEqualTo(PER_JOB);
    }

    private static String numbered(String sql) {
        int n = 0;
        StringBuilder out = new StringBuilder();
        for (char ch : sql.toCharArray()) out.append(ch == '?' ? "$" + (++n) : String.valueOf(ch));
        return out.toString();
    }

    /** Rows read from ordo_job_results under EXPLAIN ANALYZE; each node reading it described in {@code nodes}. */
    private static long resultRowsRead(Connection c, Statement st, String run, List<String> nodes) throws SQLException {
        JsonNode plan;
        try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + run)) {
            rs.next();
            plan = Json.parse(rs.getString(1)).get(0).get("Plan");
        }
        long[] rows = new long[1];
        walk(plan, rows, nodes);
        return rows[0];
    }

    private static void walk(JsonNode node, long[] rows, List<String> nodes) {
        if ("ordo_job_results".equals(node.path("Relation Name").asText())) {
            long loops = Math.max(1, node.path("Actual Loops").asLong(1));
            long read = (node.path("Actual Rows").asLong() + node.path("Rows Removed by Filter").asLong()) * loops;
            rows[0] += read;
            nodes.add(node.path("Node Type").asText() + (node.has("Index Name") ? "(" + node.get("Index Name").asText() + ")" : "")
                    + " rows=" + read);
        }
        for (JsonNode child : node.path("Plans")) walk(child, rows, nodes);
    }
}
