package io.ordo.testkit;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.LeaseLostException;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.QueueFullException;
import io.ordo.core.UnknownJobTypeException;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.HeartbeatResult;
import io.ordo.core.store.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The engine's guarantees on a real store: retries with backoff, dead letter and restart,
 * timeouts, cancellation (cooperative, by interrupt, cascading), lease takeover with fencing,
 * graceful shutdown, routing by type, priorities, delays, keys, capacity, spawning, logs, pruning.
 */
public abstract class EngineContract {
    protected JobStore store;
    private final List<Ordo> nodes = new ArrayList<>();

    protected abstract JobStore createStore();

    @BeforeEach
    void openStore() {
        store = createStore();
    }

    @AfterEach
    void closeAll() {
        nodes.reversed().forEach(Ordo::close);
        if (store != null) store.close();
        afterStoreClosed();
    }

    /** Runs after every node and the store are closed (e.g. to drop a test schema). */
    protected void afterStoreClosed() {
    }

    /** A started node on the shared store with quick timings; {@code tune} adjusts the config. */
    protected Ordo node(Consumer<OrdoConfig> tune) {
        return node(store, tune);
    }

    protected Ordo node(JobStore on, Consumer<OrdoConfig> tune) {
        OrdoConfig c = OrdoConfig.defaults().store(on).queue("default", 8)
                .lease(Duration.ofSeconds(5), Duration.ofSeconds(1))
                .maintenanceInterval(Duration.ofMillis(100)).poll(Duration.ofMillis(100))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .cancelGrace(Duration.ofMillis(300)).shutdownGrace(Duration.ofSeconds(2));
        tune.accept(c);
        Ordo o = Ordo.create(c);
        nodes.add(o);
        return o.start();
    }

    protected Job awaitStatus(Ordo o, UUID id, JobStatus status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> o.jobs().require(id).status() == status);
        return o.jobs().require(id);
    }

    /** A handler from a lambda. */
    protected static JobHandler handler(String type, HandlerBody body) {
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

    @FunctionalInterface
    protected interface HandlerBody {
        Object run(JobContext ctx) throws Exception;
    }

    // ---- running and retrying -------------------------------------------------------------------

    @Test
    void runsABatchToCompletion() {
        Ordo o = node(c -> { });
        List<JobRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 300; i++) reqs.add(JobRequest.of("noop"));
        List<Job> jobs = o.jobs().submitBatch(reqs);
        assertThat(jobs).hasSize(300).allMatch(j -> j.status() == PENDING);
        await().atMost(Duration.ofSeconds(30)).until(() -> o.jobs().stats().count(COMPLETED) == 300);
        assertThat(o.jobs().stats().total()).isEqualTo(300);
        Job one = o.jobs().require(jobs.get(0).id());
        assertThat(one.attempt()).isEqualTo(1);
        assertThat(one.startedAt()).isNotNull();
        assertThat(one.finishedAt()).isAfterOrEqualTo(one.startedAt());
    }

    @Test
    void failedAttemptsAreRetriedAndEveryErrorIsKept() {
        Ordo o = node(c -> { });
        Job j = o.jobs().submit(JobRequest.of("fail").payload(Map.of("times", 2, "message", "flaky")).maxAttempts(3));
        Job done = awaitStatus(o, j.id(), COMPLETED);
        assertThat(done.attempt()).isEqualTo(3);
        assertThat(done.errors()).extracting(AttemptError::attempt).containsExactly(1, 2);
        assertThat(done.errors()).allMatch(e -> e.reason().equals(AttemptError.ERROR) && e.message().contains("flaky"));
        assertThat(done.result().get("succeeded_on_attempt").asInt()).isEqualTo(3);
    }

    @Test
    void backoffGrowsBetweenAttempts() {
        Ordo o = node(c -> { });
        Job j = o.jobs().submit(JobRequest.of("fail").payload(Map.of("times", 3)).maxAttempts(4)
                .backoff(Duration.ofMillis(200), Duration.ofSeconds(10)));
        Job done = awaitStatus(o, j.id(), COMPLETED);
        List<AttemptError> e = done.errors();
        assertThat(e).hasSize(3);
        // attempt n waits base * 2^(n-1) minus at most 25% jitter
        assertThat(Duration.between(e.get(0).at(), e.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(Duration.between(e.get(1).at(), e.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(Duration.between(e.get(2).at(), done.startedAt())).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    @Test
    void exhaustedJobsGoToTheDeadLetterViewAndCanBeRestarted() {
        Ordo o = node(c -> { });
        Job j = o.jobs().submit(JobRequest.of("fail").payload(Map.of("message", "always")).maxAttempts(2));
        Job dead = awaitStatus(o, j.id(), FAILED);
        assertThat(dead.attempt()).isEqualTo(2);
        assertThat(dead.error()).contains("always");
        assertThat(o.jobs().deadLetter(null, 10).items()).extracting(Job::id).containsExactly(j.id());
        o.jobs().restart(j.id());
        await().atMost(Duration.ofSeconds(10)).until(() -> o.jobs().require(j.id()).attempt() == 3
                && o.jobs().require(j.id()).status() == FAILED);
        assertThat(o.jobs().require(j.id()).errors()).hasSize(3);
    }

    @Test
    void timeoutInterruptsTheHandlerAndFailsTheAttempt() {
        Ordo o = node(c -> { });
        long t0 = System.nanoTime();
        Job j = o.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 30_000)).timeout(Duration.ofMillis(300)).maxAttempts(1));
        Job dead = awaitStatus(o, j.id(), FAILED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(dead.errors()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(AttemptError.TIMEOUT);
            assertThat(e.message()).contains("timed out");
        });
    }

    /** Waits about {@code ms} whatever happens, swallowing interrupts (a handler that ignores them). */
    private static void ignoringInterrupts(long ms) {
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException swallowed) {
                // the point of this handler
            }
        }
    }

    @Test
    void aHandlerThatSwallowsTheInterruptAndReturnsAfterItsTimeoutHasTimedOut() {
        Ordo o = node(c -> c.cancelGrace(Duration.ofSeconds(5)).handler(handler("deaf", ctx -> {
            ignoringInterrupts(600);
            return "done anyway";
        })));
        Job j = o.jobs().submit(JobRequest.of("deaf").timeout(Duration.ofMillis(200)).maxAttempts(1));
        Job dead = awaitStatus(o, j.id(), FAILED);
        assertThat(dead.result()).isNull();
        assertThat(dead.errors()).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo(AttemptError.TIMEOUT));
    }

    @Test
    void aHandlerThatNeverReturnsGivesItsSlotBackAfterTheCancelGraceAndIsRetried() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger starts = new AtomicInteger();
        // one slot: the second attempt and the other job can only run once the stuck attempt's slot is back
        Ordo o = node(c -> c.queue("default", 1).cancelGrace(Duration.ofMillis(300)).handler(handler("stuck", ctx -> {
            if (starts.incrementAndGet() == 1) {
                while (release.getCount() > 0) {
                    try {
                        release.await();
                    } catch (InterruptedException swallowed) {
                        // ignores the timeout's interrupt
                    }
                }
                return "too late";
            }
            return "second attempt";
        })));
        Job j = o.jobs().submit(JobRequest.of("stuck").timeout(Duration.ofMillis(300)).maxAttempts(2));
        try {
            Job done = awaitStatus(o, j.id(), COMPLETED);
            assertThat(done.attempt()).isEqualTo(2);
            assertThat(done.result().asText()).isEqualTo("second attempt");
            assertThat(done.errors()).singleElement().satisfies(e -> {
                assertThat(e.reason()).isEqualTo(AttemptError.TIMEOUT);
                assertThat(e.attempt()).isEqualTo(1);
            });
            Job other = o.jobs().submit(JobRequest.of("noop"));
            awaitStatus(o, other.id(), COMPLETED);
        } finally {
            release.countDown();
        }
        // the stuck attempt's late return changes nothing: its lease is gone
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> {
            Job now = o.jobs().require(j.id());
            return now.status() == COMPLETED && "second attempt".equals(now.result().asText());
        });
    }

    // ---- cancellation -----------------------------------------------------------------------------

    @Test
    void cancelStopsACooperativeJobAtOnce() {
        Ordo o = node(c -> { });
        Job j = o.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 60_000)));
        awaitStatus(o, j.id(), RUNNING);
        o.jobs().cancel(j.id());
        Job c = awaitStatus(o, j.id(), CANCELLED);
        assertThat(c.finishedAt()).isNotNull();
        assertThat(c.errors()).extracting(AttemptError::reason).containsExactly(AttemptError.CANCELLED);
    }

    @Test
    void cancelInterruptsAStubbornJobAfterTheGracePeriod() {
        AtomicReference<Long> interruptedAfterMs = new AtomicReference<>();
        AtomicLong cancelAt = new AtomicLong();
        Ordo o = node(c -> c.cancelGrace(Duration.ofMillis(400)).handler(handler("stubborn", ctx -> {
            try {
                Thread.sleep(60_000); // ignores isCancelled()
            } catch (InterruptedException e) {
                interruptedAfterMs.set((System.nanoTime() - cancelAt.get()) / 1_000_000);
                throw e;
            }
            return null;
        })));
        Job j = o.jobs().submit(JobRequest.of("stubborn"));
        awaitStatus(o, j.id(), RUNNING);
        cancelAt.set(System.nanoTime());
        o.jobs().cancel(j.id());
        awaitStatus(o, j.id(), CANCELLED);
        assertThat(interruptedAfterMs.get()).isGreaterThanOrEqualTo(350L);
    }

    @Test
    void cancelCascadesToDescendants() {
        CountDownLatch spawned = new CountDownLatch(1);
        Ordo o = node(c -> c.queue("default", 4).handler(handler("parent", ctx -> {
            ctx.spawn(List.of(JobRequest.of("sleep").payload(Map.of("ms", 60_000)),
                    JobRequest.of("sleep").payload(Map.of("ms", 60_000)),
                    JobRequest.of("sleep").payload(Map.of("ms", 60_000)).delay(Duration.ofHours(1))));
            spawned.countDown();
            while (!ctx.isCancelled()) Thread.sleep(20);
            return null;
        })));
        Job p = o.jobs().submit(JobRequest.of("parent"));
        awaitStatus(o, p.id(), RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> spawned.getCount() == 0);
        List<Job> kids = o.jobs().children(p.id(), null, 10).items();
        assertThat(kids).hasSize(3);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                o.jobs().children(p.id(), null, 10).items().stream().filter(k -> k.status() == RUNNING).count() == 2);
        var r = o.jobs().cancel(p.id());
        assertThat(r.cancelRequested()).hasSize(3);
        assertThat(r.cancelled()).hasSize(1);
        for (Job k : kids) awaitStatus(o, k.id(), CANCELLED);
        awaitStatus(o, p.id(), CANCELLED);
    }

    // ---- leases, fencing, shutdown ------------------------------------------------------------------

    /** A store whose heartbeats can be paused: the node looks alive to itself but its leases run out. */
    private static final class StallableStore extends ForwardingJobStore {
        final AtomicBoolean stalled = new AtomicBoolean();

        StallableStore(JobStore delegate) {
            super(delegate);
        }

        @Override
        public HeartbeatResult heartbeat(Collection<io.ordo.core.model.Lease> leases, Instant until, Instant now) {
            return stalled.get() ? new HeartbeatResult(Set.of(), Set.of()) : super.heartbeat(leases, until, now);
        }

        // cut off from the leader lease too: the node that stalls is not the one that rescues
        @Override
        public java.util.Optional<io.ordo.core.store.LeaderLease> lead(String node, Instant now, Duration lease) {
            return stalled.get() ? java.util.Optional.empty() : super.lead(node, now, lease);
        }
    }

    @Test
    void aStalledWorkersJobIsTakenOverAndTheStalledWorkerIsFencedOut() {
        StallableStore viewOfA = new StallableStore(store);
        CountDownLatch aStarted = new CountDownLatch(1);
        CountDownLatch releaseA = new CountDownLatch(1);
        AtomicReference<Throwable> aAfterPause = new AtomicReference<>();
        AtomicInteger runsOnB = new AtomicInteger();
        viewOfA.stalled.set(true);
        // one slot on A, held by the paused attempt: the retry can only go to B
        Ordo a = node(viewOfA, c -> c.nodeId("node-a").queue("default", 1).lease(Duration.ofSeconds(1), Duration.ofMillis(300))
                .maintenanceInterval(Duration.ofHours(1)).handler(handler("slow", ctx -> {
                    aStarted.countDown();
                    releaseA.await();
                    try {
                        ctx.log(io.ordo.core.model.LogLevel.INFO, "A resumed");
                    } catch (LeaseLostException e) {
                        aAfterPause.set(e);
                        throw e;
                    }
                    return "from A";
                })));
        Job j = a.jobs().submit(JobRequest.of("slow").maxAttempts(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> aStarted.getCount() == 0);
        Ordo b = node(c -> c.nodeId("node-b").handler(handler("slow", ctx -> {
            runsOnB.incrementAndGet();
            return "from B";
        })));
        Job done = awaitStatus(b, j.id(), COMPLETED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(done.leaseOwner()).isEqualTo("node-b");
        assertThat(done.result().asText()).isEqualTo("from B");
        assertThat(done.errors()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(AttemptError.LEASE_EXPIRED);
            assertThat(e.owner()).isEqualTo("node-a");
            assertThat(e.attempt()).isEqualTo(1);
        });
        releaseA.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> aAfterPause.get() != null);
        assertThat(aAfterPause.get()).isInstanceOf(LeaseLostException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.runningHere() == 0);
        Job after = b.jobs().require(j.id());
        assertThat(after.status()).isEqualTo(COMPLETED);
        assertThat(after.result().asText()).isEqualTo("from B");
        assertThat(b.jobs().logs(j.id(), 0, 10)).isEmpty();
        assertThat(runsOnB.get()).isEqualTo(1);
    }

    @Test
    void shutdownLetsShortJobsFinishAndHandsBackLongOnes() {
        CountDownLatch longStarted = new CountDownLatch(1);
        Ordo a = node(c -> c.shutdownGrace(Duration.ofMillis(700)).handler(handler("long", ctx -> {
            longStarted.countDown();
            Thread.sleep(60_000);
            return null;
        })));
        Job shortJob = a.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 300)));
        Job longJob = a.jobs().submit(JobRequest.of("long").maxAttempts(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> longStarted.getCount() == 0
                && a.jobs().require(shortJob.id()).status() == RUNNING);
        a.close();
        assertThat(a.jobs().require(shortJob.id()).status()).isEqualTo(COMPLETED);
        Job back = a.jobs().require(longJob.id());
        assertThat(back.status()).isEqualTo(PENDING);
        assertThat(back.maxAttempts()).as("the handed-back attempt does not count").isEqualTo(2);
        assertThat(back.errors()).extracting(AttemptError::reason).containsExactly(AttemptError.SHUTDOWN);
        Ordo b = node(c -> c.handler(handler("long", ctx -> "finished elsewhere")));
        Job done = awaitStatus(b, longJob.id(), COMPLETED);
        assertThat(done.attempt()).isEqualTo(2);
    }

    // ---- routing, order, timing -------------------------------------------------------------------

    @Test
    void aNodeNeverClaimsTypesItHasNoHandlerFor() {
        Ordo o = node(c -> c.acceptUnknownTypes(true));
        Job foreign = o.jobs().submit(JobRequest.of("runs-elsewhere"));
        Job local = o.jobs().submit(JobRequest.of("noop"));
        awaitStatus(o, local.id(), COMPLETED);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> o.jobs().require(foreign.id()).status() == PENDING);
        Ordo other = node(c -> c.handler(handler("runs-elsewhere", ctx -> "ok")));
        awaitStatus(other, foreign.id(), COMPLETED);
    }

    @Test
    void higherPriorityRunsFirst() {
        List<Integer> order = new CopyOnWriteArrayList<>();
        OrdoConfig c = OrdoConfig.defaults().store(store).queue("default", 1).poll(Duration.ofMillis(50))
                .handler(handler("record", ctx -> order.add(ctx.payload().get("p").asInt())));
        try (Ordo o = Ordo.create(c)) {
            for (int p : new int[]{5, 0, -5, 3}) o.jobs().submit(JobRequest.of("record").priority(p).payload(Map.of("p", p)));
            o.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == 4);
        }
        assertThat(order).containsExactly(-5, 0, 3, 5);
    }

    @Test
    void delayedJobsStartNoEarlierThanAsked() {
        Ordo o = node(c -> { });
        Job j = o.jobs().submit(JobRequest.of("noop").delay(Duration.ofMillis(600)));
        assertThat(j.status()).isEqualTo(SCHEDULED);
        Job done = awaitStatus(o, j.id(), COMPLETED);
        assertThat(Duration.between(j.createdAt(), done.startedAt())).isGreaterThanOrEqualTo(Duration.ofMillis(600));
    }

    // ---- keys, capacity, validation ----------------------------------------------------------------

    @Test
    void uniqueAndCacheKeysAvoidDuplicateWork() {
        AtomicInteger runs = new AtomicInteger();
        Ordo o = node(c -> c.handler(handler("expensive", ctx -> Map.of("run", runs.incrementAndGet()))));
        Job first = o.jobs().submit(JobRequest.of("expensive").cacheKey("report:7", Duration.ofMinutes(5)));
        awaitStatus(o, first.id(), COMPLETED);
        Job again = o.jobs().submit(JobRequest.of("expensive").cacheKey("report:7", Duration.ofMinutes(5)));
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.status()).isEqualTo(COMPLETED);
        assertThat(again.result().get("run").asInt()).isEqualTo(1);
        assertThat(runs.get()).isEqualTo(1);

        Job u1 = o.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 500)).uniqueKey("nightly"));
        Job u2 = o.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 500)).uniqueKey("nightly"));
        assertThat(u2.id()).isEqualTo(u1.id());
    }

    @Test
    void aFullQueueRejectsSubmitsClearly() {
        Ordo o = node(c -> c.queue("small", 0, 2));
        o.jobs().submitBatch(List.of(JobRequest.of("noop").queue("small"), JobRequest.of("noop").queue("small")));
        assertThatThrownBy(() -> o.jobs().submit(JobRequest.of("noop").queue("small")))
                .isInstanceOf(QueueFullException.class).hasMessageContaining("queue 'small' is full");
        assertThat(o.jobs().stats().byQueue().get("small").get(PENDING)).isEqualTo(2);
    }

    @Test
    void badSubmitsAreRejectedAndWriteNothing() {
        Ordo o = node(c -> { });
        assertThatThrownBy(() -> o.jobs().submit(JobRequest.of("nope"))).isInstanceOf(UnknownJobTypeException.class)
                .hasMessageContaining("unknown job type 'nope'").hasMessageContaining("noop");
        assertThatThrownBy(() -> o.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", -1))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'ms'");
        assertThatThrownBy(() -> o.jobs().submit(JobRequest.of("noop").delay(Duration.ofSeconds(-1))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("delay");
        assertThatThrownBy(() -> o.jobs().submit(JobRequest.of("noop").maxAttempts(0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("max_attempts");
        assertThatThrownBy(() -> o.jobs().submit(JobRequest.of("noop").queue("bad queue!")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("queue");
        assertThatThrownBy(() -> o.jobs().submitBatch(List.of(JobRequest.of("noop"), JobRequest.of("nope"))))
                .hasMessageContaining("job 1 of the batch");
        assertThat(o.jobs().stats().total()).isZero();
    }

    // ---- context: spawn, logs, progress, results ------------------------------------------------------

    @Test
    void handlersSpawnChildrenLogAndReportProgress() {
        Ordo o = node(c -> c.handler(handler("fan-out", ctx -> {
            ctx.info("spawning");
            ctx.progress(1, 2, "half way");
            List<Job> kids = ctx.spawn(List.of(JobRequest.of("noop"), JobRequest.of("noop"), JobRequest.of("noop")));
            ctx.saveResult(Map.of("children", kids.size()));
            ctx.log(io.ordo.core.model.LogLevel.WARN, "done");
            return null;
        })));
        Job p = o.jobs().submit(JobRequest.of("fan-out"));
        Job done = awaitStatus(o, p.id(), COMPLETED);
        assertThat(done.result().get("children").asInt()).isEqualTo(3);
        // a parent's progress follows its children once it has some
        assertThat(done.progressText()).isEqualTo("0 pending, 0 running, 3 completed, 0 failed");
        assertThat(done.progressCurrent()).isEqualTo(3);
        assertThat(done.progressTotal()).isEqualTo(3);
        assertThat(o.jobs().logs(p.id(), 0, 10)).extracting(l -> l.message()).containsExactly("spawning", "done");
        List<Job> kids = o.jobs().children(p.id(), null, 10).items();
        assertThat(kids).hasSize(3).allSatisfy(k -> {
            assertThat(k.parentId()).isEqualTo(p.id());
            assertThat(k.rootId()).isEqualTo(p.id());
            assertThat(k.depth()).isEqualTo(1);
        });
        for (Job k : kids) awaitStatus(o, k.id(), COMPLETED);
    }

    @Test
    void oldTerminalJobsArePruned() {
        Ordo o = node(c -> c.retention(Duration.ofMillis(1500)).pruneInterval(Duration.ofMillis(100), 10));
        List<Job> jobs = o.jobs().submitBatch(List.of(JobRequest.of("noop"), JobRequest.of("noop"), JobRequest.of("noop")));
        Job live = o.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 60_000)));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> o.jobs().stats().count(COMPLETED) == 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> jobs.stream().allMatch(j -> o.jobs().get(j.id()).isEmpty()));
        assertThat(o.jobs().stats().count(COMPLETED)).isZero();
        assertThat(o.jobs().get(live.id())).as("live jobs are never pruned").isPresent();
    }
}
