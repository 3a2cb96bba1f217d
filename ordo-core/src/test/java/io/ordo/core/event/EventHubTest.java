package io.ordo.core.event;

import io.ordo.core.store.memory.InMemoryJobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventHubTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private final InMemoryJobStore store = new InMemoryJobStore();
    private final EventHub hub = new EventHub(store, Duration.ofMillis(50));
    private final UUID jobA = UUID.randomUUID();
    private final UUID jobB = UUID.randomUUID();

    @AfterEach
    void tearDown() {
        hub.close();
        store.close();
    }

    private static OrdoEvent event(String type, UUID job, UUID root, int n) {
        return new OrdoEvent(type, job, root, Map.of("job_id", job.toString(), "n", n), Instant.now());
    }

    private void append(OrdoEvent... events) {
        store.appendEvents(List.of(events));
        hub.wake();
    }

    /** Reads until {@code n} events came, failing if they do not come within a few seconds each. */
    private static List<StoredEvent> read(EventSubscription s, int n) throws InterruptedException {
        List<StoredEvent> out = new ArrayList<>();
        while (out.size() < n) {
            StoredEvent e = s.next(WAIT);
            assertThat(e).as("event %d of %d", out.size() + 1, n).isNotNull();
            out.add(e);
        }
        return out;
    }

    @Test
    void liveEventsAreFannedOutInIdOrderAndFiltered() throws Exception {
        hub.start();
        try (var all = hub.subscribe(EventFilter.ALL, null);
             var onlyA = hub.subscribe(new EventFilter(Set.of(jobA), Set.of(), Set.of()), null);
             var onlyLogs = hub.subscribe(new EventFilter(Set.of(), Set.of(), Set.of(EventTypes.JOB_LOG)), null)) {
            append(event(EventTypes.JOB_LOG, jobA, jobA, 1), event(EventTypes.JOB_STATUS_CHANGE, jobB, jobB, 2));
            append(event(EventTypes.JOB_PROGRESS, jobA, jobA, 3));
            List<StoredEvent> got = read(all, 3);
            assertThat(got).extracting(e -> e.event().payload().get("n")).containsExactly(1, 2, 3);
            assertThat(got).extracting(StoredEvent::id).isSorted().doesNotHaveDuplicates();
            assertThat(read(onlyA, 2)).extracting(e -> e.event().payload().get("n")).containsExactly(1, 3);
            assertThat(read(onlyLogs, 1)).extracting(e -> e.event().payload().get("n")).containsExactly(1);
            assertThat(onlyLogs.next(Duration.ofMillis(200))).isNull();
            assertThat(onlyA.next(Duration.ofMillis(200))).isNull();
        }
        assertThat(hub.subscriberCount()).isZero();
    }

    @Test
    void rootFilterAndChildrenOfAJob() throws Exception {
        hub.start();
        UUID child = UUID.randomUUID();
        try (var byRoot = hub.subscribe(new EventFilter(Set.of(), Set.of(jobA), Set.of()), null);
             var byJob = hub.subscribe(new EventFilter(Set.of(jobA), Set.of(), Set.of()), null)) {
            append(new OrdoEvent(EventTypes.JOB_SPAWN, child, jobA, Map.of("job_id", child.toString(), "parent_id", jobA.toString()), Instant.now()),
                    event(EventTypes.JOB_LOG, jobB, jobB, 2),
                    new OrdoEvent(EventTypes.QUEUE_STATS, null, null, Map.of("n", 3), Instant.now()));
            assertThat(read(byRoot, 1)).extracting(e -> e.event().jobId()).containsExactly(child);
            assertThat(read(byJob, 1)).extracting(e -> e.event().jobId()).containsExactly(child);
            assertThat(byRoot.next(Duration.ofMillis(200))).isNull();
            assertThat(byJob.next(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    void sinceReplaysExactlyWhatWasMissedThenGoesLive() throws Exception {
        hub.start();
        for (int i = 1; i <= 2500; i++) append(event(EventTypes.JOB_LOG, jobA, jobA, i)); // more than one page
        long seen = store.eventsAfter(0, 10_000).get(999).id(); // the client saw the first 1000
        try (var s = hub.subscribe(EventFilter.ALL, seen)) {
            append(event(EventTypes.JOB_LOG, jobA, jobA, 2501));
            List<StoredEvent> got = read(s, 1501);
            assertThat(got).extracting(e -> e.event().payload().get("n")).first().isEqualTo(1001);
            assertThat(got).extracting(e -> e.event().payload().get("n")).last().isEqualTo(2501);
            assertThat(got).extracting(StoredEvent::id).isSorted().doesNotHaveDuplicates().allMatch(id -> id > seen);
            assertThat(s.next(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void zeroReplaysAllKeptAndNoSinceStartsAtTheEnd() throws Exception {
        hub.start();
        append(event(EventTypes.JOB_LOG, jobA, jobA, 1), event(EventTypes.JOB_LOG, jobA, jobA, 2));
        try (var fromZero = hub.subscribe(EventFilter.ALL, 0L); var fromNow = hub.subscribe(EventFilter.ALL, null)) {
            assertThat(read(fromZero, 2)).extracting(e -> e.event().payload().get("n")).containsExactly(1, 2);
            assertThat(fromNow.next(Duration.ofMillis(200))).isNull();
            append(event(EventTypes.JOB_LOG, jobA, jobA, 3));
            assertThat(read(fromNow, 1)).extracting(e -> e.event().payload().get("n")).containsExactly(3);
        }
    }

    @Test
    void anIdOlderThanTheOldestKeptGetsAResync() throws Exception {
        hub.start();
        Instant old = Instant.now().minusSeconds(3600);
        store.appendEvents(List.of(new OrdoEvent(EventTypes.JOB_LOG, jobA, jobA, Map.of("n", 1), old),
                new OrdoEvent(EventTypes.JOB_LOG, jobA, jobA, Map.of("n", 2), old)));
        append(event(EventTypes.JOB_LOG, jobA, jobA, 3));
        long firstId = store.firstEventId();
        assertThat(store.pruneEvents(Instant.now().minusSeconds(60), 100)).isEqualTo(2);
        try (var s = hub.subscribe(EventFilter.ALL, firstId)) {
            StoredEvent r = s.next(WAIT);
            assertThat(r.event().type()).isEqualTo(EventHub.RESYNC);
            assertThat(r.event().payload()).containsEntry("reason", "too_old");
            assertThat(r.id()).isEqualTo(store.lastEventId());
            append(event(EventTypes.JOB_LOG, jobA, jobA, 4));
            assertThat(read(s, 1)).extracting(e -> e.event().payload().get("n")).containsExactly(4);
        }
        try (var s = hub.subscribe(EventFilter.ALL, store.lastEventId() + 100)) {
            assertThat(s.next(WAIT).event().payload()).containsEntry("reason", "unknown_id");
        }
        assertThatThrownBy(() -> hub.subscribe(EventFilter.ALL, -1L)).isInstanceOf(IllegalArgumentException.class);
        assertThat(hub.subscriberCount()).isZero();
    }

    @Test
    void aSubscriberThatDoesNotReadOverflowsAndGetsAResyncWithoutHoldingUpOthers() throws Exception {
        hub.start();
        try (var slow = hub.subscribe(EventFilter.ALL, null, 10); var fast = hub.subscribe(EventFilter.ALL, null)) {
            assertThat(slow.next(Duration.ofMillis(100))).isNull(); // replay done: now it reads the live buffer
            long t0 = System.nanoTime();
            for (int i = 1; i <= 500; i++) append(event(EventTypes.JOB_LOG, jobA, jobA, i));
            List<StoredEvent> all = read(fast, 500);
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(5);
            assertThat(all).extracting(e -> e.event().payload().get("n")).last().isEqualTo(500);
            // fast may have read them from the store (its replay) before the tailer offered them all
            // live: wait until the tailer has, or slow would still be receiving while it is read
            long lastId = all.getLast().id();
            await().atMost(WAIT).until(() -> hub.cursor() >= lastId);
            // the slow one now reads: what is left of its buffer, then a resync past what was dropped
            List<StoredEvent> got = new ArrayList<>();
            StoredEvent e;
            while ((e = slow.next(Duration.ofMillis(300))) != null) got.add(e);
            assertThat(got.size()).isLessThanOrEqualTo(11);
            assertThat(got).anyMatch(x -> x.event().type().equals(EventHub.RESYNC)
                    && "overflow".equals(x.event().payload().get("reason")));
            assertThat(got).extracting(StoredEvent::id).isSorted();
            append(event(EventTypes.JOB_LOG, jobA, jobA, 501));
            assertThat(read(slow, 1)).extracting(x -> x.event().payload().get("n")).containsExactly(501);
        }
    }

    @Test
    void aSubscriptionMadeBeforeTheHubStartsMissesNothing() throws Exception {
        try (var s = hub.subscribe(EventFilter.ALL, null)) {
            assertThat(s.next(Duration.ofMillis(50))).isNull();
            store.appendEvents(List.of(event(EventTypes.JOB_LOG, jobA, jobA, 1)));
            hub.start();
            append(event(EventTypes.JOB_LOG, jobA, jobA, 2));
            assertThat(read(s, 2)).extracting(e -> e.event().payload().get("n")).containsExactly(1, 2);
        }
    }

    @Test
    void eventsTheLogCouldNotKeepMakeEverySubscriberResync() throws Exception {
        hub.start();
        // a log of capacity 1 that is never started: the second event pushes the first out
        EventLog log = new EventLog(store, 1, hub::wake, hub::lost);
        try (var a = hub.subscribe(EventFilter.ALL, null); var b = hub.subscribe(new EventFilter(Set.of(jobB), Set.of(), Set.of()), null)) {
            assertThat(a.next(Duration.ofMillis(50))).isNull();
            log.add(event(EventTypes.JOB_LOG, jobA, jobA, 1));
            assertThat(a.next(Duration.ofMillis(100))).isNull();
            log.add(event(EventTypes.JOB_LOG, jobA, jobA, 2));
            assertThat(log.dropped()).isEqualTo(1);
            StoredEvent r = a.next(WAIT);
            assertThat(r.event().type()).isEqualTo(EventHub.RESYNC);
            assertThat(r.event().payload()).containsEntry("reason", "dropped");
            assertThat(b.next(Duration.ofMillis(200))).as("it did not want job A's events").isNull();
        }
    }

    @Test
    void eventsAppendedByAnotherWriterAreSeenByPolling() throws Exception {
        hub.start();
        try (var s = hub.subscribe(EventFilter.ALL, null)) {
            assertThat(s.next(Duration.ofMillis(100))).isNull(); // replay done: from now on only the tailer delivers
            store.appendEvents(List.of(event(EventTypes.JOB_LOG, jobA, jobA, 1))); // no wake: found by the poll
            assertThat(read(s, 1)).extracting(e -> e.event().payload().get("n")).containsExactly(1);
        }
    }
}
