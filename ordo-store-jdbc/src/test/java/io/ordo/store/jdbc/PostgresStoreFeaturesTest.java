package io.ordo.store.jdbc;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.JobStoreProvider;
import io.ordo.testkit.TestJobs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class PostgresStoreFeaturesTest extends JdbcStoreFeaturesTest {
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

    @Override
    protected Connection connect() throws SQLException {
        return PgTestDatabase.connect();
    }

    @Override
    protected String jobsTable() {
        return "\"" + schema + "\".ordo_jobs";
    }

    @Test
    void notifyReachesListenersOfAnotherStoreInstance() throws Exception {
        JobStore listening = open();
        JobStore submitting = open();
        Set<String> heard = ConcurrentHashMap.newKeySet();
        listening.onJobsAvailable(heard::add);
        awaitListening();

        submitting.insert(List.of(TestJobs.at(T0).queue("mail").build()), InsertOptions.NONE);
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("mail"));

        // a job that is only scheduled wakes nobody; its promotion does
        submitting.insert(List.of(TestJobs.at(T0).queue("later").runAt(T0.plusSeconds(60)).build()), InsertOptions.NONE);
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            ((PostgresJobStore) submitting).insert(c, List.of(TestJobs.at(T0).queue("in-tx").build()), InsertOptions.NONE);
            submitting.insert(List.of(TestJobs.at(T0).queue("marker").build()), InsertOptions.NONE);
            await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("marker"));
            assertThat(heard).as("nothing heard of uncommitted or scheduled jobs").doesNotContain("in-tx", "later");
            c.commit();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("in-tx"));
        submitting.promoteDue(T0.plusSeconds(61), 10);
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("later"));
    }

    @Test
    void theListenerReconnectsAfterItsConnectionIsKilled() throws Exception {
        JobStore listening = open();
        JobStore submitting = open();
        Set<String> heard = ConcurrentHashMap.newKeySet();
        listening.onJobsAvailable(heard::add);
        awaitListening();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE application_name = 'ordo-listen' AND datname = current_database()");
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            submitting.insert(List.of(TestJobs.at(T0).queue("after-reconnect").build()), InsertOptions.NONE);
            return heard.contains("after-reconnect");
        });
    }

    private void awaitListening() {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ordo-listen' AND query LIKE 'LISTEN%'")) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        });
    }

    @Test
    void storesOpenedAtOnceOnAFreshSchemaMigrateItOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<JobStore>> fs = new ArrayList<>();
            for (int i = 0; i < 3; i++) fs.add(pool.submit(this::open));
            for (Future<JobStore> f : fs) assertThat(f.get().kind()).isEqualTo("postgresql");
        } finally {
            pool.shutdownNow();
        }
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM \"" + schema + "\".ordo_schema_history WHERE version = '1' AND success")) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void schemaComesFromThePropertyOrTheUrlAndIsValidated() {
        String url = PgTestDatabase.URL + (PgTestDatabase.URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Map<String, String> props = new java.util.HashMap<>(Map.of("user", PgTestDatabase.USER));
        if (PgTestDatabase.PASSWORD != null) props.put("password", PgTestDatabase.PASSWORD);
        try (JobStore s = JobStoreProvider.openUrl(url, props)) {
            assertThat(s).isInstanceOf(PostgresJobStore.class);
            assertThat(((PostgresJobStore) s).schema()).isEqualTo(schema);
            s.insert(List.of(TestJobs.at(T0).build()), InsertOptions.NONE);
            assertThat(s.counts().get("default")).containsEntry(JobStatus.PENDING, 1L);
        }
        props.put("schema", "Not-A-Name");
        assertThatThrownBy(() -> JobStoreProvider.openUrl(PgTestDatabase.URL, props))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("schema");
    }

    @Test
    void deadlocksAndSerializationFailuresAreRetriedOtherErrorsAreNot() {
        assertThat(PostgresJobStore.retryable(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(PostgresJobStore.retryable(new SQLException("could not serialize access", "40001"))).isTrue();
        SQLException wrapped = new SQLException("batch failed", "XX000", new SQLException("deadlock detected", "40P01"));
        assertThat(PostgresJobStore.retryable(wrapped)).isTrue();
        assertThat(PostgresJobStore.retryable(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(PostgresJobStore.retryable(new SQLException("connection refused", "08001"))).isFalse();
    }

    @Test
    void aSchemaThatAlreadyHoldsApplicationTablesGetsOrdosTablesBesideThem() throws Exception {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA \"" + schema + "\"");
            st.execute("CREATE TABLE \"" + schema + "\".orders (id bigint PRIMARY KEY)");
            st.execute("INSERT INTO \"" + schema + "\".orders VALUES (42)");
        }
        JobStore store = open();
        store.insert(List.of(TestJobs.at(T0).build()), InsertOptions.NONE);
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM \"" + schema + "\".orders")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
        assertThat(store.counts().get("default")).containsEntry(JobStatus.PENDING, 1L);
    }
}
