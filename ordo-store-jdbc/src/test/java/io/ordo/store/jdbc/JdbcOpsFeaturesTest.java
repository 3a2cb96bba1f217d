package io.ordo.store.jdbc;

import io.ordo.core.definition.StoredDefinition;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.ops.Webhooks;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;
import io.ordo.testkit.TestJobs;
import org.junit.jupiter.api.AfterEach;
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
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The operational tables of the SQL stores beyond the shared contract: several store instances on one database. */
abstract class JdbcOpsFeaturesTest {
    protected static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    private static final String HOOK = "https://example.org/hooks/ordo?x=1";
    private final List<JobStore> opened = new ArrayList<>();

    /** A store over this test's database; every call opens another instance on the same database. */
    protected abstract JobStore openStore();

    protected JobStore open() {
        JobStore s = openStore();
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JobStore::close);
        opened.clear();
    }

    static NewJob withWebhook(NewJob n, String url) {
        return new NewJob(n.id(), n.type(), n.queue(), n.priority(), n.payload(), n.status(), n.maxAttempts(), n.runAt(), n.timeout(),
                n.parentId(), n.rootId(), n.definitionId(), n.step(), n.depth(), n.resultTtl(), n.uniqueKey(), n.cacheKey(), n.tags(),
                n.backoffBase(), n.backoffCap(), n.createdAt(), n.scopeId(), n.dedupKey(), n.childPolicy(), n.result(), n.error(),
                n.meta(), url);
    }

    private static List<Job> claim(JobStore s, String owner, int limit, Instant now) {
        return s.claim(new ClaimRequest("default", Set.of("noop", "parent"), limit, owner, Duration.ofSeconds(30), now));
    }

    @Test
    void webhookUrlRoundTripsThroughSubmitBatchInsertSpawnAndClaim() {
        JobStore store = open();
        Job single = store.insert(List.of(withWebhook(TestJobs.at(T0).type("parent").build(), HOOK)), InsertOptions.NONE).get(0).job();
        assertThat(single.webhookUrl()).as("as inserted").isEqualTo(HOOK);
        // a batch mixing plain jobs and hooked ones (PostgreSQL: the wide statement, null for the plain ones)
        NewJob plain = TestJobs.at(T0).build();
        NewJob hooked = withWebhook(TestJobs.at(T0).build(), HOOK + "&n=2");
        List<SubmitResult> mixed = store.insert(List.of(plain, hooked), InsertOptions.NONE);
        assertThat(mixed).extracting(r -> r.job().webhookUrl()).containsExactly(null, HOOK + "&n=2");
        List<SubmitResult> allPlain = store.insert(List.of(TestJobs.at(T0).build(), TestJobs.at(T0).build()), InsertOptions.NONE);
        assertThat(allPlain).extracting(r -> r.job().webhookUrl()).containsOnlyNulls();

        Job parent = claim(store, "w", 1, T0.plusSeconds(1)).get(0);
        assertThat(parent.id()).isEqualTo(single.id());
        assertThat(parent.webhookUrl()).as("claim returns it").isEqualTo(HOOK);
        NewJob child = withWebhook(TestJobs.at(T0.plusSeconds(2)).parent(parent).build(), HOOK + "&child=1");
        NewJob plainChild = TestJobs.at(T0.plusSeconds(2)).parent(parent).build();
        List<SubmitResult> spawned = store.spawn(parent.lease(), List.of(child, plainChild), InsertOptions.NONE, false);
        assertThat(spawned).extracting(r -> r.job().webhookUrl()).containsExactly(HOOK + "&child=1", null);

        // read back by another instance: it was stored, not just echoed
        JobStore other = open();
        assertThat(other.get(single.id()).orElseThrow().webhookUrl()).isEqualTo(HOOK);
        assertThat(other.get(hooked.id()).orElseThrow().webhookUrl()).isEqualTo(HOOK + "&n=2");
        assertThat(other.get(plain.id()).orElseThrow().webhookUrl()).isNull();
        assertThat(other.get(child.id()).orElseThrow().webhookUrl()).isEqualTo(HOOK + "&child=1");
        assertThat(other.get(plainChild.id()).orElseThrow().webhookUrl()).isNull();
        assertThat(other.list(JobFilter.ALL, null, 100).items()).filteredOn(j -> j.webhookUrl() != null).hasSize(3);
    }

    @Test
    void aDefinitionKeepsItsWebhookUrl() {
        JobStore store = open();
        var spec = Json.parse("{\"id\":\"nightly\",\"webhook_url\":\"" + HOOK + "\",\"steps\":[]}");
        store.saveDefinition(new StoredDefinition("nightly", "Nightly", "yaml", "id: nightly\nwebhook_url: " + HOOK, spec, true,
                null, 0, null, null), T0);
        StoredDefinition back = open().getDefinition("nightly").orElseThrow();
        assertThat(back.spec().get("webhook_url").asText()).isEqualTo(HOOK);
        assertThat(back.source()).contains(HOOK);
    }

    @Test
    void aWebhookIsQueuedOnceWhenTwoStoresRaceForIt() throws Exception {
        JobStore a = open();
        JobStore b = open();
        Job hooked = a.insert(List.of(withWebhook(TestJobs.at(T0).build(), HOOK)), InsertOptions.NONE).get(0).job();
        assertThat(a.queueWebhook(hooked.id(), Webhooks.delivery(hooked, T0))).as("not terminal: nothing queued").isFalse();
        Job running = claim(a, "w", 1, T0.plusSeconds(1)).get(0);
        a.complete(List.of(new Completion(running.lease(), null, T0.plusSeconds(2))));
        Job done = b.webhooksDue(10).get(0);
        assertThat(done.id()).isEqualTo(hooked.id());
        assertThat(done.webhookUrl()).isEqualTo(HOOK);

        int racers = 8;
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger won = new AtomicInteger();
        List<UUID> deliveries = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < racers; t++) {
                JobStore s = t % 2 == 0 ? a : b;
                NewJob delivery = Webhooks.delivery(done, T0.plusSeconds(3));
                deliveries.add(delivery.id());
                fs.add(pool.submit(() -> {
                    go.await();
                    if (s.queueWebhook(done.id(), delivery)) won.incrementAndGet();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(won).hasValue(1);
        assertThat(deliveries.stream().filter(id -> a.get(id).isPresent())).as("exactly one delivery job").hasSize(1);
        assertThat(a.list(JobFilter.ALL.withType(Webhooks.TYPE), null, 100).items()).singleElement()
                .satisfies(j -> assertThat(j.payload().get("url").asText()).isEqualTo(HOOK));
        assertThat(a.counts().get("default")).as("the delivery counted like any insert").containsEntry(JobStatus.PENDING, 1L);
        assertThat(a.webhooksDue(10)).isEmpty();
        assertThat(b.queueWebhook(done.id(), Webhooks.delivery(done, T0.plusSeconds(4)))).as("and never again").isFalse();
    }

    @Test
    void twoStoresAgreeOnASettingCreatedConcurrently() throws Exception {
        JobStore a = open();
        JobStore b = open();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger supplied = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                JobStore s = t % 2 == 0 ? a : b;
                fs.add(pool.submit(() -> {
                    go.await();
                    seen.add(s.setting("webhook_secret", () -> {
                        supplied.incrementAndGet();
                        return UUID.randomUUID().toString();
                    }));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(1);
        assertThat(supplied.get()).isBetween(1, 8);
        String value = seen.iterator().next();
        assertThat(open().setting("webhook_secret", () -> "other")).isEqualTo(value);
        assertThat(a.setting("another", () -> "x")).isEqualTo("x");
    }

    @Test
    void pruningDeletesInBatchesUntilDone() {
        JobStore store = open();
        List<io.ordo.core.event.OrdoEvent> batch = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            batch.add(new io.ordo.core.event.OrdoEvent("job_log", null, null, Map.of("i", i), T0.plusMillis(i)));
        }
        store.appendEvents(batch);
        assertThat(store.pruneEvents(T0.plusMillis(2_200), 2_100)).as("capped by the limit").isEqualTo(2_100);
        assertThat(store.pruneEvents(T0.plusMillis(2_200), 10_000)).isEqualTo(100);
        assertThat(store.eventsAfter(0, 10_000)).hasSize(300).first()
                .satisfies(e -> assertThat(e.event().payload().get("i")).isEqualTo(2_200));
        assertThat(store.lastEventId() - store.firstEventId()).isEqualTo(299);

        List<io.ordo.core.ops.QueueMinute> minutes = new ArrayList<>();
        for (int m = 0; m < 1_200; m++) {
            minutes.add(new io.ordo.core.ops.QueueMinute("q", T0.plusSeconds(60L * m), "n" + (m % 3), 1, 0, 5,
                    java.util.Collections.nCopies(io.ordo.core.ops.QueueMinute.LATENCY_BOUNDS_MS.length + 1, 0L)));
        }
        store.saveQueueMinutes(minutes);
        assertThat(store.pruneQueueMinutes(T0.plusSeconds(60L * 1_150))).isEqualTo(1_150);
        assertThat(store.queueMinutes(T0)).hasSize(50);
    }
}
