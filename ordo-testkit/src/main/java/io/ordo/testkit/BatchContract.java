package io.ordo.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.batch.Batch;
import io.ordo.core.batch.BatchFieldException;
import io.ordo.core.batch.BatchRequest;
import io.ordo.core.batch.Batches;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.JobStore;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Batches with callbacks on a real store: the callbacks that run and their payload, failures that
 * do not stop the rest, refused requests that leave nothing behind, the batch's view, a node dying
 * between enqueueing the callbacks and ending the batch, and the last two jobs of a batch ending
 * at the same moment on two nodes.
 */
public abstract class BatchContract {
    protected JobStore store;
    private final List<Ordo> nodes = new ArrayList<>();
    /** Every run of a callback: its payload. */
    private final List<JsonNode> callbackRuns = new CopyOnWriteArrayList<>();
    private final Map<UUID, AtomicInteger> runsById = new ConcurrentHashMap<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    protected abstract JobStore createStore();

    protected void afterStoreClosed() {
    }

    @BeforeEach
    void open() {
        store = createStore();
    }

    @AfterEach
    void close() {
        gate.countDown();
        nodes.reversed().forEach(Ordo::close);
        store.close();
        afterStoreClosed();
    }

    protected Ordo node(JobStore on, int concurrency) {
        OrdoConfig c = OrdoConfig.defaults().store(on).queue("default", concurrency).poll(Duration.ofMillis(100))
                .maintenanceInterval(Duration.ofMillis(100)).monitorSweep(Duration.ofMillis(300))
                .leaderLease(Duration.ofSeconds(2))
                .cancelGrace(Duration.ofMillis(200)).shutdownGrace(Duration.ofSeconds(2));
        c.handler(handler("ok", ctx -> Map.of("n", ctx.payload().path("n").asInt())));
        c.handler(handler("boom", ctx -> {
            throw new IllegalStateException("boom");
        }));
        c.handler(handler("gate", ctx -> {
            if (!gate.await(20, TimeUnit.SECONDS)) throw new IllegalStateException("gate never opened");
            return null;
        }));
        c.handler(handler("cb", ctx -> {
            runsById.computeIfAbsent(ctx.id(), k -> new AtomicInteger()).incrementAndGet();
            callbackRuns.add(ctx.payload());
            return null;
        }));
        Ordo o = Ordo.create(c);
        nodes.add(o);
        return o.start();
    }

    protected Ordo node(int concurrency) {
        return node(store, concurrency);
    }

    private static JobHandler handler(String type, Body body) {
        return new JobHandler() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public Object run(JobContext ctx) throws Exception {
                return body.run(ctx);
            }
        };
    }

    private interface Body {
        Object run(JobContext ctx) throws Exception;
    }

    private static List<JobRequest> oks(int n) {
        List<JobRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(JobRequest.of("ok").payload(Map.of("n", i)));
        return out;
    }

    private static BatchRequest allCallbacks(List<JobRequest> jobs) {
        return BatchRequest.of(jobs).name("nightly")
                .onComplete(JobRequest.of("cb").payload(Map.of("k", "complete")))
                .onSuccess(JobRequest.of("cb").payload(Map.of("k", "success")))
                .onFailure(JobRequest.of("cb").payload(Map.of("k", "failure")));
    }

    private Batch awaitEnd(Ordo o, UUID id) {
        await().atMost(Duration.ofSeconds(30)).until(() -> o.jobs().batch(id).finished());
        return o.jobs().batch(id);
    }

    private void awaitCallbacksRan(Ordo o, Batch b) {
        await().atMost(Duration.ofSeconds(30)).until(() -> o.jobs().batch(b.id()).callbacks().values().stream()
                .allMatch(id -> o.jobs().require(id).status() == JobStatus.COMPLETED));
    }

    private List<JsonNode> runsOf(UUID batchId) {
        return callbackRuns.stream().filter(p -> p.path("batch_id").asText().equals(batchId.toString())).toList();
    }

    // ---- which callbacks run, with what -------------------------------------------------------

    @Test
    void aBatchThatSucceedsRunsOnCompleteAndOnSuccessOnceWithItsCountsAndIds() {
        Ordo o = node(4);
        Batch b = o.jobs().batch(allCallbacks(oks(5)).meta(Map.of("owner", "ops")));
        assertThat(b.status()).isEqualTo("running");
        assertThat(b.total()).isEqualTo(5);
        assertThat(b.name()).isEqualTo("nightly");
        Batch done = awaitEnd(o, b.id());
        assertThat(done.status()).isEqualTo("completed");
        assertThat(done.counts().get(JobStatus.COMPLETED)).isEqualTo(5);
        assertThat(done.progress()).isEqualTo(1.0);
        assertThat(done.meta().path("owner").asText()).isEqualTo("ops");
        assertThat(done.callbacks()).containsOnlyKeys(Batches.ON_COMPLETE, Batches.ON_SUCCESS);
        awaitCallbacksRan(o, done);
        List<JsonNode> runs = runsOf(b.id());
        assertThat(runs).hasSize(2);
        assertThat(runs).extracting(p -> p.path("payload").path("k").asText()).containsExactlyInAnyOrder("complete", "success");
        JsonNode p = runs.get(0);
        assertThat(p.path("name").asText()).isEqualTo("nightly");
        assertThat(p.path("counts").path("completed").asLong()).isEqualTo(5);
        assertThat(p.path("counts").path("failed").asLong()).isZero();
        assertThat(p.path("counts").path("cancelled").asLong()).isZero();
        assertThat(p.path("counts").path("skipped").asLong()).isZero();
        List<String> members = o.jobs().children(b.id(), null, 100).items().stream()
                .filter(j -> j.type().equals("ok")).map(j -> j.id().toString()).toList();
        List<String> ids = new ArrayList<>();
        p.path("job_ids").forEach(n -> ids.add(n.asText()));
        assertThat(ids).hasSize(5).containsExactlyInAnyOrderElementsOf(members);
        assertThat(p.path("failed_ids")).isEmpty();
    }

    @Test
    void aFailedJobDoesNotStopTheOthersAndRunsOnFailureWithItsId() {
        Ordo o = node(4);
        gate = new CountDownLatch(1);
        List<JobRequest> jobs = new ArrayList<>(oks(2));
        jobs.add(JobRequest.of("boom").maxAttempts(1));
        jobs.add(JobRequest.of("gate"));
        Batch b = o.jobs().batch(allCallbacks(jobs));
        Job failed = o.jobs().children(b.id(), null, 10).items().stream().filter(j -> j.type().equals("boom")).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(20)).until(() -> o.jobs().require(failed.id()).status() == JobStatus.FAILED);
        Batch mid = o.jobs().batch(b.id());
        assertThat(mid.status()).as("one job still runs").isEqualTo("running");
        assertThat(mid.callbacks()).isEmpty();
        gate.countDown();
        Batch done = awaitEnd(o, b.id());
        assertThat(done.status()).isEqualTo("failed");
        assertThat(done.counts().get(JobStatus.COMPLETED)).as("the gated job was not cancelled").isEqualTo(3);
        assertThat(done.counts().get(JobStatus.FAILED)).isEqualTo(1);
        assertThat(done.callbacks()).containsOnlyKeys(Batches.ON_COMPLETE, Batches.ON_FAILURE);
        awaitCallbacksRan(o, done);
        List<JsonNode> runs = runsOf(b.id());
        assertThat(runs).extracting(p -> p.path("kind").asText()).containsExactlyInAnyOrder(Batches.ON_COMPLETE, Batches.ON_FAILURE);
        assertThat(runs.get(0).path("failed_ids")).hasSize(1);
        assertThat(runs.get(0).path("failed_ids").get(0).asText()).isEqualTo(failed.id().toString());
        assertThat(runs.get(0).path("counts").path("failed").asLong()).isEqualTo(1);
    }

    @Test
    void aBatchWithoutCallbacksEndsAndItsViewCountsOnlyItsJobs() {
        Ordo o = node(2);
        Batch b = o.jobs().batch(BatchRequest.of(oks(3)));
        Batch done = awaitEnd(o, b.id());
        assertThat(done.status()).isEqualTo("completed");
        assertThat(done.total()).isEqualTo(3);
        assertThat(done.done()).isEqualTo(3);
        assertThat(done.callbacks()).isEmpty();
        assertThat(done.finishedAt()).isNotNull();
    }

    @Test
    void batchesAreListedNewestFirstAndReadBackByIdOnly() {
        Ordo o = node(2);
        Batch first = o.jobs().batch(BatchRequest.of(oks(1)).name("first"));
        Batch second = o.jobs().batch(BatchRequest.of(oks(2)).name("second"));
        assertThat(o.jobs().batches(null, 10).items()).extracting(Batch::name).containsExactly("second", "first");
        var page = o.jobs().batches(null, 1);
        assertThat(page.items()).extracting(Batch::id).containsExactly(second.id());
        assertThat(o.jobs().batches(page.nextCursor(), 1).items()).extracting(Batch::id).containsExactly(first.id());
        UUID member = o.jobs().children(first.id(), null, 10).items().get(0).id();
        assertThatThrownBy(() -> o.jobs().batch(member)).isInstanceOf(io.ordo.core.JobNotFoundException.class);
    }

    @Test
    void cancellingAJobOfTheBatchRunsOnFailureAndCancellingTheBatchRunsNoCallback() {
        Ordo o = node(4);
        gate = new CountDownLatch(1);
        Batch one = o.jobs().batch(allCallbacks(List.of(JobRequest.of("ok"), JobRequest.of("ok").delay(Duration.ofHours(1)))));
        Job later = o.jobs().children(one.id(), null, 10).items().stream().filter(j -> j.status() == JobStatus.SCHEDULED).findFirst().orElseThrow();
        o.jobs().cancel(later.id());
        Batch failed = awaitEnd(o, one.id());
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.counts().get(JobStatus.CANCELLED)).isEqualTo(1);
        assertThat(failed.callbacks()).containsOnlyKeys(Batches.ON_COMPLETE, Batches.ON_FAILURE);
        awaitCallbacksRan(o, failed);
        assertThat(runsOf(one.id()).get(0).path("cancelled_ids").get(0).asText()).isEqualTo(later.id().toString());
        assertThatThrownBy(() -> o.jobs().restart(one.id())).isInstanceOf(io.ordo.core.ConflictException.class).hasMessageContaining("is a batch");
        assertThat(o.jobs().batch(one.id()).status()).isEqualTo("failed");

        Batch whole = o.jobs().batch(allCallbacks(List.of(JobRequest.of("gate"), JobRequest.of("ok").delay(Duration.ofHours(1)))));
        await().atMost(Duration.ofSeconds(20)).until(() -> o.jobs().batch(whole.id()).counts().get(JobStatus.RUNNING) == 1);
        o.jobs().cancel(whole.id());
        Batch cancelled = awaitEnd(o, whole.id());
        assertThat(cancelled.status()).isEqualTo("cancelled");
        await().atMost(Duration.ofSeconds(20)).until(() -> o.jobs().batch(whole.id()).counts().get(JobStatus.CANCELLED) == 2);
        assertThat(o.jobs().batch(whole.id()).callbacks()).isEmpty();
        assertThat(o.jobs().children(whole.id(), null, 10).items()).noneMatch(j -> j.type().equals("cb"));
    }

    // ---- refused requests -----------------------------------------------------------------------

    @Test
    void aBadCallbackIsRefusedNamingItAndNothingIsStored() {
        Ordo o = node(1);
        assertThatThrownBy(() -> o.jobs().batch(BatchRequest.of(oks(3)).onFailure(JobRequest.of("no-such-type"))))
                .isInstanceOfSatisfying(BatchFieldException.class, e -> assertThat(e.field()).isEqualTo("on_failure.type"));
        assertThatThrownBy(() -> o.jobs().batch(BatchRequest.of(oks(3)).onComplete(JobRequest.of("cb").uniqueKey("k"))))
                .isInstanceOfSatisfying(BatchFieldException.class, e -> assertThat(e.field()).isEqualTo("on_complete.unique_key"));
        assertThatThrownBy(() -> o.jobs().batch(BatchRequest.of(oks(1)).onSuccess(JobRequest.of("cb").maxAttempts(0))))
                .isInstanceOfSatisfying(BatchFieldException.class, e -> {
                    assertThat(e.field()).isEqualTo("on_success");
                    assertThat(e.getMessage()).contains("max_attempts");
                });
        assertThatThrownBy(() -> o.jobs().batch(BatchRequest.of(List.of())))
                .isInstanceOfSatisfying(BatchFieldException.class, e -> assertThat(e.field()).isEqualTo("jobs"));
        assertThatThrownBy(() -> o.jobs().batch(BatchRequest.of(List.of(JobRequest.of("ok"), JobRequest.of("nope"))).name("x")))
                .hasMessageContaining("nope");
        assertThat(o.jobs().list(JobFilter.ALL, null, 10).items()).isEmpty();
    }

    // ---- crashes and races ----------------------------------------------------------------------

    @Test
    void aNodeDyingAfterEnqueueingTheCallbacksLeavesTheBatchToTheSweepWithoutASecondCallback() {
        AtomicBoolean failOnce = new AtomicBoolean(true);
        JobStore crashing = new ForwardingJobStore(store) {
            @Override
            public boolean finishWaiting(UUID id, JobStatus to, String e, JsonNode m, Instant now) {
                // the first attempt to end a batch dies after the callbacks were inserted
                if (get(id).map(j -> j.type().equals(Batches.TYPE)).orElse(false) && failOnce.getAndSet(false)) {
                    throw new IllegalStateException("node died");
                }
                return super.finishWaiting(id, to, e, m, now);
            }
        };
        Ordo o = node(crashing, 4);
        Batch b = o.jobs().batch(allCallbacks(oks(3)));
        Batch done = awaitEnd(o, b.id());
        assertThat(failOnce).as("the first end was lost").isFalse();
        assertThat(done.status()).isEqualTo("completed");
        awaitCallbacksRan(o, done);
        assertThat(o.jobs().children(b.id(), null, 100).items()).filteredOn(j -> j.type().equals("cb")).hasSize(2);
        await().during(Duration.ofMillis(900)).atMost(Duration.ofSeconds(5)).until(() -> runsOf(b.id()).size() == 2);
        assertThat(runsOf(b.id())).extracting(p -> p.path("kind").asText()).containsExactlyInAnyOrder(Batches.ON_COMPLETE, Batches.ON_SUCCESS);
    }

    @Test
    void theLastTwoJobsEndingTogetherOnTwoNodesEnqueueEachCallbackOnce() {
        Ordo a = node(1);
        Ordo b = node(1);
        for (int round = 0; round < 3; round++) {
            gate = new CountDownLatch(1);
            Batch batch = a.jobs().batch(BatchRequest.of(List.of(JobRequest.of("gate"), JobRequest.of("gate")))
                    .onComplete(JobRequest.of("cb")).onSuccess(JobRequest.of("cb")));
            // one slot per node: both jobs running means one runs on each node
            await().atMost(Duration.ofSeconds(20)).until(() -> batch(a, batch.id()).counts().get(JobStatus.RUNNING) == 2);
            gate.countDown();
            Batch done = awaitEnd(b, batch.id());
            assertThat(done.status()).isEqualTo("completed");
            awaitCallbacksRan(a, done);
            List<Job> callbacks = a.jobs().children(batch.id(), null, 100).items().stream().filter(j -> j.type().equals("cb")).toList();
            assertThat(callbacks).hasSize(2);
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> runsOf(batch.id()).size() == 2);
            for (Job c : callbacks) assertThat(runsById.get(c.id())).as("callback %s ran once", c.id()).hasValue(1);
        }
        assertThat(Set.copyOf(nodes)).hasSize(2);
    }

    private static Batch batch(Ordo o, UUID id) {
        return o.jobs().batch(id);
    }
}
