package io.ordo.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Json;
import io.ordo.testkit.TestJobs;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dashboard's reads on PostgreSQL: the runs index under cached plans, filters answered from counters, V3 on old data. */
class PostgresDashboardReadsTest {
    private static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");

    private String schema;
    private PostgresJobStore store;

    @AfterEach
    void cleanUp() {
        if (store != null) store.close();
        if (schema != null) PgTestDatabase.dropSchema(schema);
    }

    /**
     * DESIGN.md §6's trap for the runs of a definition: the statement is prepared and run more than
     * ten times on an empty table (auto: the server may then cache a generic plan; or a forced generic
     * plan), then the table fills with 20,000 jobs and no ANALYZE. The plan must still read the runs
     * index and touch about one page of rows, not walk the jobs.
     */
    @ParameterizedTest
    @ValueSource(strings = {"auto", "force_generic_plan"})
    void definitionRunsReadTheRunsIndexUnderACachedPlan(String planCacheMode) throws Exception {
        schema = PgTestDatabase.newSchema();
        store = PgTestDatabase.open(schema);
        Map<String, String> prepared = Map.of(
                "first_page(text)", store.queries.definitionRunsSql(false, 21),
                "next_page(text, uuid)", store.queries.definitionRunsSql(true, 21));
        Map<String, Long> executions = Map.of(
                "EXECUTE first_page('site')", 21L,
                "EXECUTE next_page('site', 'ffffffff-ffff-7fff-bfff-ffffffffffff')", 21L);
        plansAfterCachingOnAnEmptyTable(planCacheMode, prepared, executions, "ordo_jobs_runs_idx", () -> fill(20_000));
        assertThat(store.definitionRuns("site", null, 20).items()).hasSize(20);
    }

    /**
     * The same trap for the list of batches: 30 batch jobs among 20,000 others; the first page and a
     * next page read the batches index (V12), never the other jobs (a next page whose bound lets every
     * batch through may be planned as a bitmap scan of the 30 and a sort).
     */
    @ParameterizedTest
    @ValueSource(strings = {"auto", "force_generic_plan"})
    void batchesReadTheBatchesIndexUnderACachedPlan(String planCacheMode) throws Exception {
        schema = PgTestDatabase.newSchema();
        store = PgTestDatabase.open(schema);
        Map<String, String> prepared = Map.of(
                "first_page", store.queries.batchesSql(false, 21),
                "next_page(uuid)", store.queries.batchesSql(true, 21));
        Map<String, Long> executions = Map.of(
                "EXECUTE first_page", 21L,
                "EXECUTE next_page('ffffffff-ffff-7fff-bfff-ffffffffffff')", 30L);
        plansAfterCachingOnAnEmptyTable(planCacheMode, prepared, executions, "ordo_jobs_batches_idx", () -> {
            fill(20_000);
            for (int i = 0; i < 30; i++) store.insert(List.of(TestJobs.at(T0).type(JobStore.BATCH_TYPE).build()), InsertOptions.NONE);
        });
        var page = store.batches(null, 20);
        assertThat(page.items()).hasSize(20).allMatch(j -> j.type().equals(JobStore.BATCH_TYPE));
        assertThat(store.batches(page.nextCursor(), 20).items()).hasSize(10);
    }

    /**
     * The same trap for the dead-letter view's listings: the failed jobs of a type with one error
     * (a rare group, 5 among 2,005 failed jobs, and a big one), and of a type. Each reads the failed
     * index, and no more rows than it answers with (or than the type has failed jobs).
     */
    @ParameterizedTest
    @ValueSource(strings = {"auto", "force_generic_plan"})
    void deadLetterGroupsReadTheFailedIndexUnderACachedPlan(String planCacheMode) throws Exception {
        schema = PgTestDatabase.newSchema();
        store = PgTestDatabase.open(schema);
        JobFilter failed = JobFilter.status(JobStatus.FAILED);
        Map<String, String> prepared = Map.of(
                "grp(text, text)", store.queries.listSql(failed.withType("t").withError("e"), false, 21, JobQueries.Tree.ANY),
                "of_type(text)", store.queries.listSql(failed.withType("t"), false, 1001, JobQueries.Tree.ANY));
        Map<String, Long> executions = Map.of(
                "EXECUTE grp('b', 'rare')", 5L,
                "EXECUTE grp('a', 'boom')", 21L,
                "EXECUTE of_type('b')", 5L,
                "EXECUTE of_type('a')", 1001L);
        plansAfterCachingOnAnEmptyTable(planCacheMode, prepared, executions, "ordo_jobs_failed_idx", () -> {
            fill(20_000);
            try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement()) {
                st.execute("SET search_path TO \"" + schema + "\"");
                st.execute("UPDATE ordo_jobs SET status = 'failed', error = 'boom' WHERE id IN (SELECT id FROM ordo_jobs WHERE type = 'a' ORDER BY id LIMIT 2000)");
                st.execute("UPDATE ordo_jobs SET status = 'failed', error = 'rare' WHERE id IN (SELECT id FROM ordo_jobs WHERE type = 'b' ORDER BY id LIMIT 5)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(store.list(failed.withType("b").withError("rare"), null, 20).items()).hasSize(5);
    }

    /**
     * Prepares {@code prepared} (name(types) to the store's SQL) under {@code planCacheMode}, runs each
     * of {@code executions} 12 times on the empty table, fills it (no ANALYZE), then checks that each
     * execution's plan uses {@code index} and that no plan node touches more rows than its value.
     */
    private void plansAfterCachingOnAnEmptyTable(String planCacheMode, Map<String, String> prepared, Map<String, Long> executions,
                                                 String index, Runnable fill) throws Exception {
        try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path TO \"" + schema + "\"");
            st.execute("SET plan_cache_mode = " + planCacheMode);
            for (Map.Entry<String, String> p : prepared.entrySet()) st.execute("PREPARE " + p.getKey() + " AS " + numbered(p.getValue()));
            for (int i = 0; i < 12; i++) {
                for (String run : executions.keySet()) st.execute(run);
            }
            fill.run();
            for (Map.Entry<String, Long> run : executions.entrySet()) {
                JsonNode plan = explain(st, run.getKey());
                List<String> nodes = new ArrayList<>();
                long worst = mostRowsTouched(plan, nodes);
                assertThat(plan.toString()).as("%s: %s", run.getKey(), nodes).contains(index);
                assertThat(worst).as("rows read by the busiest plan node of %s: %s", run.getKey(), nodes).isLessThanOrEqualTo(run.getValue());
            }
        }
    }

    /**
     * A listing by type or queue is planned for its value each time: however often it runs, its
     * statement is never server-prepared (so never planned generically), while a listing by status is.
     */
    @Test
    void listingsByTypeOrQueueArePlannedForTheirValue() throws Exception {
        schema = PgTestDatabase.newSchema();
        store = PgTestDatabase.open(schema, Map.of("maxPoolSize", "1"));
        store.insert(List.of(TestJobs.at(T0).type("a").queue("q").build()), InsertOptions.NONE);
        for (int i = 0; i < 12; i++) {
            assertThat(store.list(JobFilter.ALL.withType("a"), null, 10).items()).hasSize(1);
            assertThat(store.list(JobFilter.status(JobStatus.PENDING).withQueue("q"), null, 10).items()).hasSize(1);
            assertThat(store.list(JobFilter.status(JobStatus.PENDING), null, 10).items()).hasSize(1);
        }
        List<String> prepared = new ArrayList<>();
        try (Connection c = store.pool().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT statement FROM pg_prepared_statements")) {
            while (rs.next()) prepared.add(rs.getString(1));
        }
        assertThat(prepared).as("the listing by status, prepared on the server").anyMatch(s -> s.contains("status = 'pending' ORDER BY id DESC"));
        assertThat(prepared).as("listings by type or queue (the counters' query may be prepared)")
                .noneMatch(s -> s.contains("ORDER BY id DESC") && (s.contains("type = $") || s.contains("queue = $")));
    }

    /** 20,000 plain jobs, then 30 runs of definition 'site' with a step each, and 30 of 'other'. */
    private void fill(int plain) {
        for (int done = 0; done < plain; done += 5_000) {
            List<NewJob> batch = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) batch.add(TestJobs.at(T0).type(i % 2 == 0 ? "a" : "b").build());
            store.insert(batch, InsertOptions.NONE);
        }
        for (int i = 0; i < 30; i++) {
            var run = store.insert(List.of(TestJobs.at(T0).type(JobStore.RUN_TYPE).definition("site", null).build()), InsertOptions.NONE).get(0).job();
            store.insert(List.of(TestJobs.at(T0).type("ordo.step.noop").definition("site", "s").parent(run).build(),
                    TestJobs.at(T0).type(JobStore.RUN_TYPE).definition("other", null).build()), InsertOptions.NONE);
        }
    }

    /**
     * A queue or type filter that the counters rule out is answered without reading ordo_jobs: with
     * the table locked by another transaction, it answers at once, while a filter that matches jobs
     * runs into the lock (lock_timeout turns the wait into an error).
     */
    @Test
    void aFilterTheCountersRuleOutReadsNoJobs() throws Exception {
        schema = PgTestDatabase.newSchema();
        store = PgTestDatabase.open(schema, Map.of("maxPoolSize", "2", "options", "-c lock_timeout=300"));
        store.insert(List.of(TestJobs.at(T0).type("a").queue("q").build(), TestJobs.at(T0).type("b").queue("r").build()), InsertOptions.NONE);
        try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("LOCK TABLE \"" + schema + "\".ordo_jobs IN ACCESS EXCLUSIVE MODE");

            assertThat(store.list(JobFilter.ALL.withType("nothing"), null, 50).items()).isEmpty();
            assertThat(store.list(JobFilter.ALL.withQueue("nothing"), null, 50).items()).isEmpty();
            assertThat(store.list(JobFilter.status(JobStatus.FAILED).withType("a"), null, 50).items()).isEmpty();
            assertThat(store.list(JobFilter.status(JobStatus.RUNNING, JobStatus.FAILED).withQueue("q"), null, 50).items()).isEmpty();
            assertThat(store.list(JobFilter.ALL.withQueue("q").withType("nothing"), null, 50).items()).isEmpty();
            assertThat(store.list(JobFilter.ALL.withQueue("nothing").withType("a"), null, 50).items()).isEmpty();

            assertThatThrownBy(() -> store.list(JobFilter.status(JobStatus.PENDING).withType("a"), null, 50))
                    .as("a filter that matches reads the locked table").hasMessageContaining("lock timeout");
            c.rollback();
        }
        assertThat(store.list(JobFilter.status(JobStatus.PENDING).withType("a"), null, 50).items()).hasSize(1);
    }

    /** A schema made before V3 (V2, with jobs in it) gets its counters by type from its jobs at open. */
    @Test
    void v3CountsTheJobsThatAreThere() throws Exception {
        schema = PgTestDatabase.newSchema();
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setURL(PgTestDatabase.URL);
        ds.setUser(PgTestDatabase.USER);
        if (PgTestDatabase.PASSWORD != null) ds.setPassword(PgTestDatabase.PASSWORD);
        Flyway.configure(getClass().getClassLoader()).dataSource(ds).locations("classpath:db/migration/postgresql")
                .table(Migrations.HISTORY_TABLE).schemas(schema).defaultSchema(schema).createSchemas(true)
                .baselineOnMigrate(true).baselineVersion("0").target("2").load().migrate();
        try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement()) {
            st.execute("SET search_path TO \"" + schema + "\"");
            st.execute("""
                    INSERT INTO ordo_jobs (id, type, queue, status, max_attempts, run_at, root_id, created_at, updated_at)
                    SELECT id, CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END, 'default', CASE WHEN i % 2 = 0 THEN 'completed' ELSE 'pending' END,
                           1, now(), id, now(), now()
                    FROM (SELECT i, gen_random_uuid() AS id FROM generate_series(1, 100) AS i) g""");
        }
        store = PgTestDatabase.open(schema);
        assertThat(typeCounters()).isEqualTo(Map.of("a|completed", 16L, "a|pending", 17L, "b|completed", 34L, "b|pending", 33L));
        assertThat(store.list(JobFilter.status(JobStatus.PENDING).withType("a"), null, 100).items()).hasSize(17);
        store.insert(List.of(TestJobs.at(T0).type("a").build()), InsertOptions.NONE);
        assertThat(typeCounters()).containsEntry("a|pending", 18L);
    }

    private Map<String, Long> typeCounters() throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT type, status, SUM(n) FROM \"" + schema + "\".ordo_job_type_counts GROUP BY type, status HAVING SUM(n) <> 0")) {
            while (rs.next()) out.put(rs.getString(1) + "|" + rs.getString(2), rs.getLong(3));
        }
        return out;
    }

    /** The store's statement with JDBC's ? placeholders numbered for PREPARE. */
    static String numbered(String sql) {
        int n = 0;
        StringBuilder out = new StringBuilder();
        for (char ch : sql.toCharArray()) out.append(ch == '?' ? "$" + (++n) : String.valueOf(ch));
        return out.toString();
    }

    static JsonNode explain(Statement st, String execute) throws SQLException {
        try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) " + execute)) {
            rs.next();
            return Json.parse(rs.getString(1)).get(0).get("Plan");
        }
    }

    /** The largest (actual rows x loops + rows removed by filter) of any node; every node described in {@code out}. */
    static long mostRowsTouched(JsonNode node, List<String> out) {
        long loops = Math.max(1, node.path("Actual Loops").asLong(1));
        long touched = node.path("Actual Rows").asLong() * loops + node.path("Rows Removed by Filter").asLong();
        out.add(node.path("Node Type").asText() + (node.has("Index Name") ? "(" + node.get("Index Name").asText() + ")" : "") + "=" + touched);
        long worst = touched;
        for (JsonNode child : node.path("Plans")) worst = Math.max(worst, mostRowsTouched(child, out));
        return worst;
    }
}
