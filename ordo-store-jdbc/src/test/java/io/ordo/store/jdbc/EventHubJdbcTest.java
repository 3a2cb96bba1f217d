package io.ordo.store.jdbc;

import io.ordo.core.event.EventFilter;
import io.ordo.core.event.EventHub;
import io.ordo.core.event.EventSubscription;
import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.store.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event hub on the SQL stores, with two store instances standing for two nodes: what one appends,
 * the other's hub fans out — on PostgreSQL woken by NOTIFY (the poll is set far too slow to matter),
 * on SQLite found by its poll.
 */
class EventHubJdbcTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    private static OrdoEvent event(int n) {
        UUID job = UUID.randomUUID();
        return new OrdoEvent("job_log", job, job, Map.of("n", n), Instant.now());
    }

    private static List<Integer> read(EventSubscription s, int count, Duration each) throws InterruptedException {
        List<Integer> out = new ArrayList<>();
        while (out.size() < count) {
            StoredEvent e = s.next(each);
            assertThat(e).as("event %d of %d", out.size() + 1, count).isNotNull();
            out.add((Integer) e.event().payload().get("n"));
        }
        return out;
    }

    @Test
    void postgresHubIsWokenByNotifyFromAnotherStore() throws Exception {
        String schema = PgTestDatabase.newSchema();
        open.add(() -> PgTestDatabase.dropSchema(schema));
        PostgresJobStore writer = PgTestDatabase.open(schema);
        PostgresJobStore reader = PgTestDatabase.open(schema);
        open.add(writer);
        open.add(reader);
        EventHub hub = new EventHub(reader, Duration.ofSeconds(30));
        reader.onEventsAppended(hub::wake);
        open.add(hub);
        hub.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(reader::listeningForEvents);
        try (EventSubscription s = hub.subscribe(EventFilter.ALL, null)) {
            assertThat(s.next(Duration.ofMillis(100))).isNull(); // replay done: only the tailer delivers now
            for (int i = 1; i <= 3; i++) {
                writer.appendEvents(List.of(event(i)));
                // far sooner than the 30s poll: NOTIFY woke the tailer
                assertThat(read(s, 1, Duration.ofSeconds(5))).containsExactly(i);
            }
        }
    }

    @Test
    void sqliteHubFindsAnotherStoresEventsByPolling(@TempDir Path dir) throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("hub.db");
        JobStore writer = io.ordo.core.store.JobStoreProvider.openUrl(url, Map.of());
        JobStore reader = io.ordo.core.store.JobStoreProvider.openUrl(url, Map.of());
        open.add(writer);
        open.add(reader);
        EventHub hub = new EventHub(reader, Duration.ofMillis(100));
        open.add(hub);
        hub.start();
        try (EventSubscription s = hub.subscribe(EventFilter.ALL, null)) {
            assertThat(s.next(Duration.ofMillis(100))).isNull();
            writer.appendEvents(List.of(event(1), event(2)));
            assertThat(read(s, 2, Duration.ofSeconds(5))).containsExactly(1, 2);
            long seen = s.position();
            writer.appendEvents(List.of(event(3)));
            // a second subscriber resuming after what the first saw gets exactly the rest
            try (EventSubscription resumed = hub.subscribe(EventFilter.ALL, seen)) {
                assertThat(read(resumed, 1, Duration.ofSeconds(5))).containsExactly(3);
                assertThat(resumed.next(Duration.ofMillis(300))).isNull();
            }
        }
    }
}
