package io.ordo.store.jdbc;

import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.InsertOptions;
import io.ordo.testkit.TestJobs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events written by triggers in the writers' own transactions, which take no common lock and
 * commit in any order: a reader polling {@code id > last} must still see each event once, in one
 * order, and never one of a transaction that rolled back.
 */
class PostgresEventOrderTest {
    private static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    private final List<PostgresJobStore> opened = new ArrayList<>();
    private String schema;

    @BeforeEach
    void newSchema() {
        schema = PgTestDatabase.newSchema();
    }

    @AfterEach
    void drop() {
        opened.forEach(PostgresJobStore::close);
        PgTestDatabase.dropSchema(schema);
    }

    private PostgresJobStore open() {
        PostgresJobStore s = PgTestDatabase.open(schema);
        opened.add(s);
        return s;
    }

    private Connection inTransaction(PostgresJobStore store) throws Exception {
        Connection c = store.pool().getConnection();
        c.setAutoCommit(false);
        return c;
    }

    private void cancel(Connection c, UUID job) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("UPDATE \"" + schema + "\".ordo_jobs SET status = 'cancelled', "
                + "updated_at = now() WHERE id = ?")) {
            ps.setObject(1, job);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void aLaterTransactionsEventWaitsForAnEarlierOneThatCommitsLast() throws Exception {
        PostgresJobStore store = open();
        Job a = store.insert(List.of(TestJobs.at(T0).build()), InsertOptions.NONE).get(0).job();
        Job b = store.insert(List.of(TestJobs.at(T0).build()), InsertOptions.NONE).get(0).job();
        Job c = store.insert(List.of(TestJobs.at(T0).build()), InsertOptions.NONE).get(0).job();
        try (Connection first = inTransaction(store); Connection second = inTransaction(store); Connection undone = inTransaction(store)) {
            cancel(first, a.id());   // the older transaction: it writes first, so its id is smaller
            cancel(second, b.id());
            cancel(undone, c.id());
            second.commit();
            undone.rollback();
            // b's event is committed, but a reader that took it now would pass the id a's event will have
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> store.eventsAfter(0, 100).isEmpty());
            assertThat(store.lastEventId()).isZero();
            first.commit();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> store.eventsAfter(0, 100).size() == 2);
        List<StoredEvent> got = store.eventsAfter(0, 100);
        assertThat(got).extracting(e -> e.event().jobId()).containsExactly(a.id(), b.id());
        assertThat(got.get(1).id()).isGreaterThan(got.get(0).id());
        assertThat(store.lastEventId()).isEqualTo(got.get(1).id());
        // the rolled-back change left no event: a later append is the next one
        store.appendEvents(List.of(new OrdoEvent("test_marker", null, null, Map.of(), T0)));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.eventsAfter(got.get(1).id(), 100).size() == 1);
        assertThat(store.eventsAfter(got.get(1).id(), 100)).singleElement()
                .satisfies(e -> assertThat(e.event().type()).isEqualTo("test_marker"));
    }

    /**
     * Four workers on two store instances claim and complete 2,000 jobs while a reader on a third
     * polls: every job's events arrive once each, running before completed, with increasing ids.
     */
    @Test
    void concurrentClaimsAndCompletionsAreReadOnceInOrder() throws Exception {
        PostgresJobStore a = open();
        PostgresJobStore b = open();
        PostgresJobStore reader = open();
        int jobs = 2000;
        List<NewJob> rows = new ArrayList<>();
        for (int i = 0; i < jobs; i++) rows.add(TestJobs.at(T0).build());
        a.insert(rows, InsertOptions.NONE);
        AtomicBoolean working = new AtomicBoolean(true);
        Map<UUID, List<String>> seen = new HashMap<>();
        List<String> problems = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<?> read = pool.submit(() -> {
                long last = 0;
                boolean finalPass = false;
                while (true) {
                    boolean done = !working.get(); // read before polling: a poll after the last commit follows
                    List<StoredEvent> got = reader.eventsAfter(last, 200);
                    for (StoredEvent e : got) {
                        if (e.id() <= last) problems.add("id " + e.id() + " after " + last);
                        last = e.id();
                        seen.computeIfAbsent(e.event().jobId(), k -> new ArrayList<>()).add((String) e.event().payload().get("status"));
                    }
                    if (got.isEmpty() && done) {
                        if (finalPass && seen.values().stream().mapToInt(List::size).sum() >= 2 * jobs) return null;
                        finalPass = true;
                        Thread.onSpinWait();
                    }
                }
            });
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                PostgresJobStore s = w % 2 == 0 ? a : b;
                String owner = "w" + w;
                workers.add(pool.submit(() -> {
                    for (List<Job> got; !(got = s.claim(new ClaimRequest("default", Set.of("noop"), 7, owner, Duration.ofMinutes(1),
                            T0.plusSeconds(1)))).isEmpty(); ) {
                        s.complete(got.stream().map(j -> new Completion(j.lease(), null, T0.plusSeconds(2))).toList());
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) f.get();
            working.set(false);
            read.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(problems).isEmpty();
        assertThat(seen).hasSize(jobs);
        assertThat(seen.values()).allSatisfy(statuses -> assertThat(statuses).containsExactly("running", "completed"));
    }
}
