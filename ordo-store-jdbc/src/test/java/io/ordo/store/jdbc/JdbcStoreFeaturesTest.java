package io.ordo.store.jdbc;

import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.LogLevel;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.Failure;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.store.TransactionalJobStore;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the SQL stores promise beyond the shared contract; one subclass per database. */
abstract class JdbcStoreFeaturesTest {
    protected static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    private static final Set<String> TYPES = Set.of("noop", "a", "b");
    private final List<JobStore> opened = new ArrayList<>();

    /** A store over this test's database; every call opens another instance on the same database. */
    protected abstract JobStore openStore();

    /** A plain connection to this test's database (not the store's). */
    protected abstract Connection connect() throws SQLException;

    /** The jobs table as the plain connection names it. */
    protected abstract String jobsTable();

    protected JobStore open() {
        JobStore s = openStore();
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JobStore::close);
    }

    @Test
    void insertOnTheCallersConnectionExistsExactlyWhenTheCallerCommits() throws Exception {
        TransactionalJobStore store = (TransactionalJobStore) open();
        NewJob kept = TestJobs.at(T0).queue("tx").build();
        NewJob dropped = TestJobs.at(T0).queue("tx").build();
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            List<SubmitResult> r = store.insert(c, List.of(kept), InsertOptions.NONE);
            assertThat(r.get(0).created()).isTrue();
            assertThat(store.get(kept.id())).as("invisible before commit").isEmpty();
            assertThat(store.counts()).doesNotContainKey("tx");
            c.commit();
            assertThat(store.get(kept.id())).isPresent();

            store.insert(c, List.of(dropped), InsertOptions.NONE);
            c.rollback();
            assertThat(store.get(dropped.id())).as("gone after rollback").isEmpty();
            assertThat(store.counts().get("tx")).containsEntry(JobStatus.PENDING, 1L);
            assertThat(store.claim(new ClaimRequest("tx", TYPES, 10, "w", Duration.ofSeconds(30), T0)))
                    .extracting(Job::id).containsExactly(kept.id());

            c.setAutoCommit(true);
            assertThatThrownBy(() -> store.insert(c, List.of(TestJobs.at(T0).build()), InsertOptions.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transaction");
        }
    }

    @Test
    void openingTwiceOnOneDatabaseIsIdempotentAndKeepsTheData() throws Exception {
        JobStore first = open();
        Job j = first.insert(List.of(TestJobs.at(T0).build()), InsertOptions.NONE).get(0).job();
        first.close();
        JobStore second = open();
        JobStore third = open();
        assertThat(second.get(j.id())).contains(j);
        assertThat(third.get(j.id())).contains(j);
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + jobsTable().replace("ordo_jobs", "ordo_schema_history")
                     + " WHERE version = '1' AND success")) {
            rs.next();
            assertThat(rs.getLong(1)).as("V1 applied exactly once").isEqualTo(1);
        }
    }

    @Test
    void countersEqualAGroupByAfterAMixedWorkload() throws Exception {
        JobStore store = open();
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            TestJobs b = TestJobs.at(T0).queue("q" + (i % 3)).type(i % 7 == 0 ? "a" : i % 5 == 0 ? "b" : "noop");
            if (i % 10 == 0) b.runAt(T0.plusSeconds(60 + i));
            if (i % 25 == 0) b.uniqueKey("u" + (i % 50));
            jobs.add(b.build());
        }
        for (int i = 0; i < jobs.size(); i += 100) store.insert(jobs.subList(i, i + 100), InsertOptions.NONE);

        // several workers at once, so that PostgreSQL spreads deltas over several counter slots
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int worker = w;
                fs.add(pool.submit(() -> {
                    for (int round = 0; round < 10; round++) {
                        List<Job> got = store.claim(new ClaimRequest("q" + (round % 3), TYPES, 5, "w" + worker, Duration.ofSeconds(30), T0));
                        for (int k = 0; k < got.size(); k++) {
                            Job j = got.get(k);
                            switch (k % 5) {
                                case 0 -> store.complete(List.of(new Completion(j.lease(), Json.parse("1"), T0.plusSeconds(1))));
                                case 1 -> store.fail(new Failure(j.lease(), err(j), JobStatus.FAILED, null, T0.plusSeconds(1)));
                                case 2 -> store.fail(new Failure(j.lease(), err(j), JobStatus.SCHEDULED, T0.plusSeconds(5), T0.plusSeconds(1)));
                                case 3 -> store.handBack(j.lease(), "stopping", T0.plusSeconds(1));
                                default -> store.appendLog(j.lease(), LogLevel.INFO, "still running", T0.plusSeconds(1));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        store.promoteDue(T0.plusSeconds(100), 30);
        for (Job j : store.expiredLeases(T0.plusSeconds(3600), 5)) {
            store.rescue(j.lease(), JobStatus.PENDING, T0.plusSeconds(3600), err(j), T0.plusSeconds(3600));
        }
        List<Job> pendingOnes = store.claim(new ClaimRequest("q0", TYPES, 3, "x", Duration.ofSeconds(30), T0));
        Job parent = pendingOnes.get(0);
        store.spawn(parent.lease(), List.of(TestJobs.at(T0).parent(parent).build(), TestJobs.at(T0).parent(parent).build()), InsertOptions.NONE, false);
        store.cancel(parent.id(), T0.plusSeconds(2));
        store.finishCancelled(parent.lease(), T0.plusSeconds(3));
        store.delete(parent.id());
        Job failed = store.list(JobFilter.status(JobStatus.FAILED), null, 1).items().get(0);
        store.restart(failed.id(), T0.plusSeconds(4));
        store.prune(T0.plusSeconds(2), 7);
        store.optimize();

        assertThat(store.counts()).isEqualTo(groupBy("queue"));
        assertThat(store.counts().values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum()).sum())
                .isEqualTo(totalRows());
        assertThat(typeCounters()).as("counters by type").isEqualTo(groupBy("type")).containsKeys("noop", "a", "b");

        // every job of one type gone (deleted or pruned): its counters say so, also to another instance
        JobFilter typeB = JobFilter.ALL.withType("b");
        for (Job j : store.list(typeB, null, 1000).items()) {
            if (j.status() == JobStatus.RUNNING) store.fail(new Failure(j.lease(), err(j), JobStatus.FAILED, null, T0.plusSeconds(5)));
            else if (!j.status().isTerminal()) store.cancel(j.id(), T0.plusSeconds(5));
        }
        List<Job> ended = store.list(typeB, null, 1000).items();
        assertThat(ended).isNotEmpty().allMatch(j -> j.status().isTerminal());
        for (int i = 0; i < ended.size(); i += 2) store.delete(ended.get(i).id());
        store.prune(T0.plusSeconds(3600), 1000);
        JobStore reopened = open();
        assertThat(typeCounters()).isEqualTo(groupBy("type"));
        assertThat(reopened.counts()).isEqualTo(groupBy("queue"));
        assertThat(reopened.list(typeB, null, 10).items()).isEmpty();
        reopened.optimize();
        assertThat(typeCounters()).doesNotContainKey("b").isEqualTo(groupBy("type"));
    }

    /** The counters by type and status as stored, summed over slots, zeros left out. */
    private Map<String, Map<JobStatus, Long>> typeCounters() throws SQLException {
        return grouped("SELECT type, status, SUM(n) FROM " + jobsTable().replace("ordo_jobs", "ordo_job_type_counts")
                + " GROUP BY type, status HAVING SUM(n) <> 0");
    }

    private static AttemptError err(Job j) {
        return new AttemptError(j.attempt(), j.leaseOwner(), T0, AttemptError.ERROR, "boom");
    }

    /** Jobs by {@code column} (queue or type) and status, counted. */
    private Map<String, Map<JobStatus, Long>> groupBy(String column) throws SQLException {
        return grouped("SELECT " + column + ", status, count(*) FROM " + jobsTable() + " GROUP BY " + column + ", status");
    }

    private Map<String, Map<JobStatus, Long>> grouped(String sql) throws SQLException {
        Map<String, Map<JobStatus, Long>> out = new TreeMap<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), q -> new EnumMap<>(JobStatus.class))
                        .put(JobStatus.fromWire(rs.getString(2)), rs.getLong(3));
            }
        }
        return out;
    }

    private long totalRows() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM " + jobsTable())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void instantsAndJsonRoundTripExactly() {
        JobStore store = open();
        Instant odd = Instant.parse("2031-03-01T10:00:00.123456789Z");
        NewJob n = TestJobs.at(T0).runAt(odd).tags("a", "b").build();
        Job inserted = store.insert(List.of(n), InsertOptions.NONE).get(0).job();
        Job read = store.get(n.id()).orElseThrow();
        assertThat(read).as("what insert returns is what is stored").isEqualTo(inserted);
        assertThat(read.runAt()).isEqualTo(Instant.parse("2031-03-01T10:00:00.123Z"));
        assertThat(read.tags()).containsExactly("a", "b");
        store.promoteDue(odd.plusSeconds(1), 10);
        Job running = store.claim(new ClaimRequest("default", TYPES, 1, "w", Duration.ofMillis(1500), odd)).get(0);
        assertThat(store.get(n.id()).orElseThrow()).usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(running);
        assertThat(store.saveResult(running.lease(), Json.parse("null"), null, odd)).isTrue();
        assertThat(store.get(n.id()).orElseThrow().result()).isEqualTo(Json.parse("null"));
    }
}
