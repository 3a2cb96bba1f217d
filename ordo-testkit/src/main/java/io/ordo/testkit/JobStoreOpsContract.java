package io.ordo.testkit;

import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;
import io.ordo.core.ops.NodeInfo;
import io.ordo.core.ops.QueueMinute;
import io.ordo.core.store.Completion;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's operational tables: the event log, queue flags, queue minutes, nodes, webhooks, settings. */
public abstract class JobStoreOpsContract extends JobStoreContractBase {

    private static OrdoEvent event(String type, UUID job, int n, java.time.Instant at) {
        return new OrdoEvent(type, job, job, Map.of("job_id", job.toString(), "n", n, "text", "é ☃ \"quoted\""), at);
    }

    @Test
    void eventsGetIncreasingIdsAndAreReadBackInOrder() {
        assertThat(store.lastEventId()).isZero();
        assertThat(store.firstEventId()).isZero();
        UUID job = UUID.randomUUID();
        List<OrdoEvent> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) batch.add(event("job_progress", job, i, at(i)));
        store.appendEvents(batch);
        store.appendEvents(List.of(event("job_status_change", job, 5, at(5))));
        List<StoredEvent> all = store.eventsAfter(0, 100);
        assertThat(all).hasSize(6);
        for (int i = 1; i < all.size(); i++) assertThat(all.get(i).id()).isGreaterThan(all.get(i - 1).id());
        StoredEvent third = all.get(2);
        assertThat(third.event().type()).isEqualTo("job_progress");
        assertThat(third.event().jobId()).isEqualTo(job);
        assertThat(third.event().rootId()).isEqualTo(job);
        assertThat(third.event().at()).isEqualTo(at(2));
        assertThat((com.fasterxml.jackson.databind.JsonNode) Json.MAPPER.valueToTree(third.event().payload())).isEqualTo(Json.parse(
                "{\"job_id\":\"" + job + "\",\"n\":2,\"text\":\"é ☃ \\\"quoted\\\"\"}"));
        assertThat(store.eventsAfter(all.get(3).id(), 100)).extracting(StoredEvent::id).containsExactly(all.get(4).id(), all.get(5).id());
        assertThat(store.eventsAfter(0, 2)).hasSize(2);
        assertThat(store.lastEventId()).isEqualTo(all.get(5).id());
        assertThat(store.firstEventId()).isEqualTo(all.get(0).id());
        assertThat(store.pruneEvents(at(3), 100)).isEqualTo(3);
        assertThat(store.firstEventId()).isEqualTo(all.get(3).id());
        assertThat(store.eventsAfter(0, 100)).hasSize(3);
    }

    @Test
    void concurrentAppendsNeverShareAnId() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) store.appendEvents(List.of(event("job_log", UUID.randomUUID(), i, T0), event("job_log", UUID.randomUUID(), i, T0)));
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        List<StoredEvent> all = store.eventsAfter(0, 1000);
        assertThat(all).hasSize(200);
        assertThat(all.stream().map(StoredEvent::id).distinct()).hasSize(200);
    }

    @Test
    void queuesArePausedAndResumed() {
        assertThat(store.queueFlags()).isEmpty();
        store.setQueuePaused("mail", true, T0);
        store.setQueuePaused("reports", false, T0);
        assertThat(store.queueFlags()).containsExactlyInAnyOrderEntriesOf(Map.of("mail", true, "reports", false));
        store.setQueuePaused("mail", false, at(1));
        assertThat(store.queueFlags()).containsEntry("mail", false);
    }

    private static QueueMinute minute(String queue, int minute, String node, long completed) {
        List<Long> buckets = new ArrayList<>(Collections.nCopies(QueueMinute.LATENCY_BOUNDS_MS.length + 1, 0L));
        buckets.set(3, completed);
        return new QueueMinute(queue, T0.plusSeconds(60L * minute), node, completed, 1, completed * 10, buckets);
    }

    @Test
    void queueMinutesAreReplacedPerNodeAndReadSince() {
        store.saveQueueMinutes(List.of(minute("q", 0, "a", 5), minute("q", 0, "b", 7), minute("q", 1, "a", 1)));
        store.saveQueueMinutes(List.of(minute("q", 0, "a", 9))); // the node's running total for that minute
        List<QueueMinute> all = store.queueMinutes(T0);
        assertThat(all).hasSize(3);
        assertThat(all).filteredOn(m -> m.node().equals("a") && m.minute().equals(T0)).singleElement()
                .satisfies(m -> {
                    assertThat(m.completed()).isEqualTo(9);
                    assertThat(m.runMillis()).isEqualTo(90);
                    assertThat(m.latencyBuckets().get(3)).isEqualTo(9);
                });
        assertThat(store.queueMinutes(at(60))).hasSize(1);
        assertThat(store.pruneQueueMinutes(at(60))).isEqualTo(2);
        assertThat(store.queueMinutes(T0)).hasSize(1);
    }

    private static NodeInfo node(String id, int seconds, int running) {
        return new NodeInfo(id, "host-" + id, 42, "0.1.0", T0, at(seconds), null, List.of("default", "mail"), List.of("noop"), running, 10);
    }

    @Test
    void nodesReportThemselvesAndAreForgotten() {
        store.saveNode(node("a", 0, 1));
        store.saveNode(node("b", 0, 0));
        store.saveNode(node("a", 30, 3));
        List<NodeInfo> nodes = store.nodes();
        assertThat(nodes).extracting(NodeInfo::id).containsExactly("a", "b");
        NodeInfo a = nodes.get(0);
        assertThat(a.running()).isEqualTo(3);
        assertThat(a.seenAt()).isEqualTo(at(30));
        assertThat(a.queues()).containsExactly("default", "mail");
        assertThat(a.types()).containsExactly("noop");
        assertThat(a.host()).isEqualTo("host-a");
        assertThat(store.pruneNodes(at(10))).isEqualTo(1);
        assertThat(store.nodes()).extracting(NodeInfo::id).containsExactly("a");
    }

    private NewJob withWebhook(String url) {
        NewJob n = TestJobs.at(T0).build();
        return new NewJob(n.id(), n.type(), n.queue(), n.priority(), n.payload(), n.status(), n.maxAttempts(), n.runAt(), n.timeout(),
                n.parentId(), n.rootId(), n.definitionId(), n.step(), n.depth(), n.resultTtl(), n.uniqueKey(), n.cacheKey(), n.tags(),
                n.backoffBase(), n.backoffCap(), n.createdAt(), null, null, null, null, null, null, url);
    }

    @Test
    void webhooksOfTerminalJobsAreQueuedOnce() {
        Job hooked = insert(withWebhook("https://example.org/hook"));
        insert(TestJobs.at(T0));
        assertThat(get(hooked.id()).webhookUrl()).isEqualTo("https://example.org/hook");
        assertThat(store.webhooksDue(10)).as("not terminal yet").isEmpty();
        List<Job> running = claim("w", 10, at(1));
        store.complete(running.stream().map(j -> new Completion(j.lease(), null, at(2))).toList());
        assertThat(store.webhooksDue(10)).extracting(Job::id).containsExactly(hooked.id());
        NewJob delivery = TestJobs.at(at(3)).type("ordo.webhook").build();
        assertThat(store.queueWebhook(hooked.id(), delivery)).isTrue();
        assertThat(store.queueWebhook(hooked.id(), TestJobs.at(at(3)).type("ordo.webhook").build())).isFalse();
        assertThat(store.webhooksDue(10)).isEmpty();
        assertThat(store.get(delivery.id())).isPresent();
    }

    @Test
    void aSettingIsCreatedOnceEvenUnderRaces() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) fs.add(pool.submit(() -> seen.add(store.setting("webhook_secret", () -> UUID.randomUUID().toString()))));
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(seen).hasSize(1);
        assertThat(store.setting("webhook_secret", () -> "other")).isEqualTo(seen.iterator().next());
        store.ping();
    }

    // ---- what queue transports rely on --------------------------------------------------------

    @Test
    void claimByIdTakesOnlyThoseStillPendingInTheQueueAndTypes() {
        Job a = insert(TestJobs.at(T0).type("a"));
        Job b = insert(TestJobs.at(T0).type("b"));
        Job elsewhere = insert(TestJobs.at(T0).type("a").queue("other"));
        Job running = insert(TestJobs.at(T0).type("a"));
        Job later = insert(TestJobs.at(T0).type("a").runAt(at(3600)));
        assertThat(store.claimIds(new io.ordo.core.store.ClaimRequest("default", Set.of("a"), 10, "w0", LEASE, at(1)),
                List.of(running.id()))).hasSize(1);
        UUID unknown = UUID.randomUUID();
        List<Job> got = store.claimIds(new io.ordo.core.store.ClaimRequest("default", Set.of("a"), 10, "w1", LEASE, at(2)),
                List.of(a.id(), b.id(), elsewhere.id(), running.id(), later.id(), unknown, a.id()));
        assertThat(got).extracting(Job::id).containsExactly(a.id());
        Job claimed = got.get(0);
        assertThat(claimed.status()).isEqualTo(io.ordo.core.model.JobStatus.RUNNING);
        assertThat(claimed.leaseOwner()).isEqualTo("w1");
        assertThat(claimed.attempt()).isEqualTo(1);
        assertThat(get(b.id()).status()).isEqualTo(io.ordo.core.model.JobStatus.PENDING);
        assertThat(get(elsewhere.id()).status()).isEqualTo(io.ordo.core.model.JobStatus.PENDING);
        assertThat(get(running.id()).leaseOwner()).isEqualTo("w0");
        assertThat(get(later.id()).status()).isEqualTo(io.ordo.core.model.JobStatus.SCHEDULED);
        // a second message for the same job finds it running: nothing
        assertThat(store.claimIds(new io.ordo.core.store.ClaimRequest("default", Set.of("a"), 10, "w2", LEASE, at(3)),
                List.of(a.id()))).isEmpty();
        assertThat(store.claimIds(new io.ordo.core.store.ClaimRequest("default", Set.of("a"), 10, "w2", LEASE, at(3)),
                List.of())).isEmpty();
    }

    @Test
    void claimByIdHonoursTheLimit() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) ids.add(insert(TestJobs.at(T0).type("a")).id());
        assertThat(store.claimIds(new io.ordo.core.store.ClaimRequest("default", Set.of("a"), 2, "w", LEASE, at(1)), ids)).hasSize(2);
        assertThat(store.counts().get("default").get(io.ordo.core.model.JobStatus.PENDING)).isEqualTo(3);
    }

    @Test
    void cancelQueuedCancelsPendingAndScheduledJobsOfOneQueueOnly() {
        Job pending = insert(TestJobs.at(T0).type("a"));
        Job scheduled = insert(TestJobs.at(T0).type("a").runAt(at(3600)));
        Job running = insert(TestJobs.at(T0).type("a"));
        Job other = insert(TestJobs.at(T0).type("a").queue("other"));
        store.claimIds(new io.ordo.core.store.ClaimRequest("default", Set.of("a"), 1, "w", LEASE, at(1)), List.of(running.id()));
        assertThat(store.cancelQueued("default", "purged from queue default", at(2), 1)).isEqualTo(1);
        assertThat(store.cancelQueued("default", "purged from queue default", at(2), 100)).isEqualTo(1);
        assertThat(store.cancelQueued("default", "purged from queue default", at(2), 100)).isZero();
        for (Job j : List.of(pending, scheduled)) {
            Job now = get(j.id());
            assertThat(now.status()).isEqualTo(io.ordo.core.model.JobStatus.CANCELLED);
            assertThat(now.error()).isEqualTo("purged from queue default");
            assertThat(now.finishedAt()).isEqualTo(at(2));
        }
        assertThat(get(running.id()).status()).isEqualTo(io.ordo.core.model.JobStatus.RUNNING);
        assertThat(get(other.id()).status()).isEqualTo(io.ordo.core.model.JobStatus.PENDING);
        assertThat(store.counts().get("default").get(io.ordo.core.model.JobStatus.CANCELLED)).isEqualTo(2);
    }
}
