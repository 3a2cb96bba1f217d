package io.ordo.store.jdbc;

import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.store.InsertOptions;
import io.ordo.testkit.TestJobs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The event log on one PostgreSQL shared by several store instances (several processes). */
class PostgresEventLogTest {
    private static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    private final List<PostgresJobStore> opened = new ArrayList<>();
    private final List<String> schemas = new ArrayList<>();
    private String schema;

    @BeforeEach
    void newSchema() {
        schema = PgTestDatabase.newSchema();
        schemas.add(schema);
    }

    @AfterEach
    void dropSchemas() {
        opened.forEach(PostgresJobStore::close);
        schemas.forEach(PgTestDatabase::dropSchema);
    }

    private PostgresJobStore open(String s) {
        PostgresJobStore store = PgTestDatabase.open(s);
        opened.add(store);
        return store;
    }

    private static OrdoEvent event(int writer, int n) {
        return new OrdoEvent("job_log", UUID.randomUUID(), null, Map.of("writer", writer, "n", n), T0.plusMillis(n));
    }

    /**
     * Four writers on two store instances append small batches while a reader on a third polls
     * {@code id > last}: a batch that drew its ids before another but committed after it would be
     * skipped by the reader for good. Every event must be seen once, in increasing id order.
     */
    @Test
    void concurrentAppendsFromTwoStoresAreReadInIdOrderWithNoneMissed() throws Exception {
        PostgresJobStore a = open(schema);
        PostgresJobStore b = open(schema);
        PostgresJobStore reader = open(schema);
        int writers = 4;
        int perWriter = 500;
        AtomicBoolean writing = new AtomicBoolean(true);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        List<String> problems = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            Future<?> read = pool.submit(() -> {
                go.await();
                long last = 0;
                boolean finalPass = false;
                while (true) {
                    boolean done = !writing.get(); // read before polling: a poll after the last commit follows
                    List<StoredEvent> got = reader.eventsAfter(last, 100);
                    for (StoredEvent e : got) {
                        if (e.id() <= last) problems.add("id " + e.id() + " after " + last);
                        last = e.id();
                        String key = e.event().payload().get("writer") + "/" + e.event().payload().get("n");
                        if (!seen.add(key)) problems.add("seen twice: " + key);
                    }
                    if (got.isEmpty() && done) {
                        if (finalPass) return null;
                        finalPass = true;
                    }
                }
            });
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                PostgresJobStore s = w % 2 == 0 ? a : b;
                int writer = w;
                fs.add(pool.submit(() -> {
                    go.await();
                    for (int n = 0; n < perWriter; ) {
                        List<OrdoEvent> batch = new ArrayList<>();
                        int size = ThreadLocalRandom.current().nextInt(1, 6);
                        for (int k = 0; k < size && n < perWriter; k++) batch.add(event(writer, n++));
                        s.appendEvents(batch);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) f.get();
            writing.set(false);
            read.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(problems).isEmpty();
        assertThat(seen).as("every event reached the reader polling id > last").hasSize(writers * perWriter);
        List<StoredEvent> all = reader.eventsAfter(0, 10_000);
        assertThat(all).hasSize(writers * perWriter);
        // within a writer, its events are in the order it appended them
        for (int w = 0; w < writers; w++) {
            int writer = w;
            List<Object> ns = all.stream().filter(e -> e.event().payload().get("writer").equals(writer))
                    .map(e -> e.event().payload().get("n")).toList();
            assertThat(ns).hasSize(perWriter).isSortedAccordingTo((x, y) -> Integer.compare((Integer) x, (Integer) y));
        }
    }

    @Test
    void anotherStoreHearsAppendsOfItsSchemaOnly() {
        PostgresJobStore a = open(schema);
        PostgresJobStore b = open(schema);
        String otherSchema = PgTestDatabase.newSchema();
        schemas.add(otherSchema);
        PostgresJobStore elsewhere = open(otherSchema);
        AtomicInteger heard = new AtomicInteger();
        Set<String> queues = ConcurrentHashMap.newKeySet();
        b.onEventsAppended(heard::incrementAndGet);
        b.onJobsAvailable(queues::add);
        // once LISTENing the store reports a possible miss once (as after a reconnect)
        await().atMost(Duration.ofSeconds(10)).until(() -> b.listeningForEvents() && heard.get() >= 1);
        heard.set(0);

        elsewhere.appendEvents(List.of(event(0, 1)));
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3)).until(() -> heard.get() == 0);

        a.appendEvents(List.of(event(0, 2), event(0, 3)));
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.get() >= 1);
        assertThat(b.eventsAfter(0, 10)).hasSize(2);

        // the same connection still carries the jobs channel
        a.insert(List.of(TestJobs.at(T0).queue("mail").build()), InsertOptions.NONE);
        await().atMost(Duration.ofSeconds(5)).until(() -> queues.contains("mail"));
    }
}
