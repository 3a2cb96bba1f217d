package io.ordo.testkit;

import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.ops.QueueStats;
import io.ordo.core.ops.Queues;
import io.ordo.core.queue.QueueMessage;
import io.ordo.core.queue.TransportQueueBackend;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a queue backend guarantees to the engine, on a real store and (for a broker) a real broker:
 * every job submitted runs once even with several nodes; every path by which a job becomes
 * pending again reaches a worker (retry, promotion of a delayed job, rescue of an expired lease,
 * hand-back at shutdown, transactional submit); pause; purge; the broker's counts; jobs the broker
 * lost are published again; a message for a job that is no longer pending is dropped. Run for
 * {@code jdbc} (the store is the queue) on every store, and for every broker transport.
 */
public abstract class QueueBackendContract {
    protected JobStore store;
    protected String queue;
    private final List<Ordo> nodes = new ArrayList<>();
    private final Map<UUID, AtomicInteger> runs = new ConcurrentHashMap<>();
    /** Every job type a node of the test served (a broker has a channel for each), for cleaning up a shared broker. */
    protected final Set<String> typesServed = ConcurrentHashMap.newKeySet();

    /** A store over an empty database. */
    protected abstract JobStore createStore();

    /** The backend URL: {@code jdbc}, {@code redis://…}, {@code amqp://…}. */
    protected abstract String queueBackend();

    /** Makes the broker forget every message of {@code queue} (as a restart without its data would); nothing for jdbc. */
    protected abstract void loseBrokerData(String queue, Set<String> types);

    /** A connection to the store's database for a transactional submit, or null where the store is not SQL. */
    protected Connection connection() throws Exception {
        return null;
    }

    protected void afterStoreClosed() {
    }

    protected boolean broker() {
        return !queueBackend().equals("jdbc");
    }

    @BeforeEach
    void open() {
        store = createStore();
        queue = "qb-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeAll() {
        nodes.reversed().forEach(Ordo::close);
        if (store != null) store.close();
        afterStoreClosed();
    }

    /** A started node on the shared store; the reconciler runs at start and then rarely, unless {@code tune} says otherwise. */
    protected Ordo node(Consumer<OrdoConfig> tune) {
        OrdoConfig c = OrdoConfig.defaults().store(store).queueBackend(queueBackend()).queue(queue, 8)
                .lease(Duration.ofSeconds(5), Duration.ofSeconds(1))
                .maintenanceInterval(Duration.ofMillis(100)).poll(Duration.ofMillis(200))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .cancelGrace(Duration.ofMillis(300)).shutdownGrace(Duration.ofSeconds(2))
                .queueDuties(true, Duration.ofMinutes(10)).redeliverAfter(Duration.ofSeconds(1))
                .handler(counting("qb-noop", ctx -> null));
        tune.accept(c);
        Ordo o = Ordo.create(c);
        nodes.add(o);
        typesServed.addAll(o.handlerTypes());
        return o.start();
    }

    protected JobHandler counting(String type, Body body) {
        return new JobHandler() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public Object run(JobContext ctx) throws Exception {
                runs.computeIfAbsent(ctx.job().id(), k -> new AtomicInteger()).incrementAndGet();
                return body.run(ctx);
            }
        };
    }

    @FunctionalInterface
    protected interface Body {
        Object run(JobContext ctx) throws Exception;
    }

    private JobRequest job(String type) {
        return JobRequest.of(type).queue(queue);
    }

    private Job awaitStatus(Ordo o, UUID id, JobStatus status) {
        await().atMost(Duration.ofSeconds(30)).until(() -> o.jobs().require(id).status() == status);
        return o.jobs().require(id);
    }

    private int runsOf(UUID id) {
        AtomicInteger n = runs.get(id);
        return n == null ? 0 : n.get();
    }

    /**
     * A job released from {@code waiting} by its dependency's end is carried like a new one: over a
     * broker its message is published at release (and by the leader's pending relay); the reconciler,
     * which runs every ten minutes here, is not needed.
     */
    @Test
    void aChainOfDependantsIsCarriedToWorkersAsEachIsReleased() {
        Ordo a = node(c -> { });
        Ordo b = node(c -> { });
        List<Job> jobs = a.jobs().submitBatch(List.of(job("qb-noop"), job("qb-noop").dependsOnItems(0), job("qb-noop").dependsOnItems(1)));
        assertThat(jobs).extracting(Job::status).containsExactly(JobStatus.PENDING, JobStatus.WAITING, JobStatus.WAITING);
        awaitStatus(b, jobs.get(2).id(), JobStatus.COMPLETED);
        for (Job j : jobs) assertThat(runsOf(j.id())).as("runs of %s", j.id()).isEqualTo(1);
    }

    @Test
    void everyJobRunsOnceWithTwoNodesClaiming() {
        Ordo a = node(c -> { });
        Ordo b = node(c -> { });
        List<UUID> ids = new ArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
            List<JobRequest> reqs = new ArrayList<>();
            for (int i = 0; i < 100; i++) reqs.add(job("qb-noop"));
            (batch % 2 == 0 ? a : b).jobs().submitBatch(reqs).forEach(j -> ids.add(j.id()));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> a.jobs().stats().count(JobStatus.COMPLETED) == ids.size());
        for (UUID id : ids) assertThat(runsOf(id)).as("runs of %s", id).isEqualTo(1);
    }

    /**
     * A stored max_running of 1 on two nodes: the jobs run one at a time, and every one runs. Over a
     * broker this needs the messages of jobs the limit kept pending to be released, not acknowledged:
     * an acknowledged one would wait for the reconciler (ten minutes here).
     */
    @Test
    void jobsALimitHoldsBackRunOnceTheLimitAllowsThem() {
        store.saveLimit(io.ordo.core.limits.Limit.of(io.ordo.core.limits.LimitScope.QUEUE, queue, null, 1, null), Instant.now());
        AtomicInteger now = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        Body slow = ctx -> {
            worst.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(50);
            } finally {
                now.decrementAndGet();
            }
            return null;
        };
        Ordo a = node(c -> c.handler(counting("qb-limited", slow)));
        Ordo b = node(c -> c.handler(counting("qb-limited", slow)));
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) ids.add((i % 2 == 0 ? a : b).jobs().submit(job("qb-limited")).id());
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> a.jobs().require(id).status() == JobStatus.COMPLETED));
        for (UUID id : ids) assertThat(runsOf(id)).as("runs of %s", id).isEqualTo(1);
        assertThat(worst.get()).as("jobs running at once").isEqualTo(1);
    }

    @Test
    void aRetryReachesAWorkerAgain() {
        Ordo o = node(c -> c.handler(counting("qb-flaky", ctx -> {
            if (ctx.job().attempt() == 1) throw new IllegalStateException("first attempt fails");
            return "second";
        })));
        Job j = o.jobs().submit(job("qb-flaky").maxAttempts(3));
        Job done = awaitStatus(o, j.id(), JobStatus.COMPLETED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(runsOf(j.id())).isEqualTo(2);
    }

    @Test
    void aParentContinuingAfterItsChildrenReachesAWorkerAgain() {
        Ordo o = node(c -> c.handler(counting("qb-parent", ctx -> {
            if (ctx.continuation() == 0) {
                ctx.spawn(List.of(job("qb-noop"), job("qb-noop")));
                ctx.continueAfterChildren();
                return null;
            }
            return ctx.childResults().size();
        })));
        Job j = o.jobs().submit(job("qb-parent"));
        // the reconciler runs rarely here: the continuation reaches the broker when it becomes pending
        // (published by the node that moved it, and by the leader's relay of moves to pending)
        Job done = awaitStatus(o, j.id(), JobStatus.COMPLETED);
        assertThat(done.result().asInt()).isEqualTo(2);
        assertThat(runsOf(j.id())).isEqualTo(2);
    }

    @Test
    void aDelayedJobRunsWhenDue() {
        Ordo o = node(c -> { });
        Job j = o.jobs().submit(job("qb-noop").delay(Duration.ofMillis(700)));
        assertThat(j.status()).isEqualTo(JobStatus.SCHEDULED);
        Job done = awaitStatus(o, j.id(), JobStatus.COMPLETED);
        assertThat(done.startedAt()).isAfterOrEqualTo(j.runAt());
    }

    @Test
    void aJobWhoseLeaseExpiredIsRescuedAndRunsAgain() {
        // a node that died holding the job: inserted and claimed straight in the store, never published
        Instant now = Instant.now();
        NewJob row = TestJobs.at(now).type("qb-noop").queue(queue).maxAttempts(3).build();
        store.insert(List.of(row), InsertOptions.NONE);
        List<Job> taken = store.claim(new ClaimRequest(queue, Set.of("qb-noop"), 1, "dead-node", Duration.ofMillis(300), now));
        assertThat(taken).hasSize(1);
        Ordo o = node(c -> { });
        Job done = awaitStatus(o, row.id(), JobStatus.COMPLETED);
        assertThat(done.attempt()).isEqualTo(2);
        assertThat(runsOf(row.id())).isEqualTo(1);
    }

    @Test
    void aJobHandedBackAtShutdownRunsOnAnotherNode() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Ordo first = node(c -> c.shutdownGrace(Duration.ofMillis(300)).handler(counting("qb-slow", ctx -> {
            started.countDown();
            if (ctx.job().attempt() == 1) Thread.sleep(60_000); // interrupted when the node shuts down
            return "done";
        })));
        Job j = first.jobs().submit(job("qb-slow"));
        assertThat(started.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Ordo second = node(c -> c.handler(counting("qb-slow", ctx -> "done on the second node")));
        first.close();
        Job done = awaitStatus(second, j.id(), JobStatus.COMPLETED);
        assertThat(done.result().asText()).isEqualTo("done on the second node");
    }

    @Test
    void aTransactionalSubmitRunsOnceTheCallerCommits() throws Exception {
        Connection c = connection();
        assumeTrue(c != null, "the store is not SQL");
        // the reconciler finds jobs committed by a caller's transaction; it looks often here
        Ordo o = node(cfg -> cfg.queueDuties(true, Duration.ofMillis(400)));
        Job j;
        try (c) {
            c.setAutoCommit(false);
            j = o.jobs().submit(c, job("qb-noop"));
            c.commit();
        }
        awaitStatus(o, j.id(), JobStatus.COMPLETED);
        assertThat(runsOf(j.id())).isEqualTo(1);
    }

    @Test
    void aPausedQueueIsNotClaimedUntilResumed() {
        Ordo o = node(c -> { });
        o.queues().pause(queue);
        await().atMost(Duration.ofSeconds(10)).until(() -> o.cluster() != null && pausedHere(o));
        Job j = o.jobs().submit(job("qb-noop"));
        // the node has had time to claim had the queue been running: three poll intervals
        await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> true);
        assertThat(o.jobs().require(j.id()).status()).isEqualTo(JobStatus.PENDING);
        o.queues().resume(queue);
        awaitStatus(o, j.id(), JobStatus.COMPLETED);
    }

    private boolean pausedHere(Ordo o) {
        return o.queues().stats().stream().anyMatch(s -> s.queue().equals(queue) && s.paused());
    }

    @Test
    void purgeCancelsTheJobsWaitingToRunAndDropsTheirMessages() {
        Ordo o = node(c -> c.workers(false));
        List<JobRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 20; i++) reqs.add(job("qb-noop"));
        for (int i = 0; i < 5; i++) reqs.add(job("qb-noop").delay(Duration.ofHours(1)));
        List<Job> jobs = o.jobs().submitBatch(reqs);
        if (broker()) await().atMost(Duration.ofSeconds(10)).until(() -> messages(o) == 20L);
        Queues.PurgeResult r = o.queues().purge(queue);
        assertThat(r.cancelled()).isEqualTo(25);
        assertThat(r.messagesDropped()).isEqualTo(broker() ? 20 : 0);
        for (Job j : jobs) {
            Job now = o.jobs().require(j.id());
            assertThat(now.status()).isEqualTo(JobStatus.CANCELLED);
            assertThat(now.error()).contains("purged");
        }
        if (broker()) assertThat(messages(o)).isZero();
        assertThat(o.queues().purge(queue).cancelled()).isZero();
    }

    @Test
    void queueStatsShowTheBrokersOwnCount() {
        Ordo o = node(c -> c.workers(false));
        List<JobRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 7; i++) reqs.add(job("qb-noop"));
        o.jobs().submitBatch(reqs);
        if (broker()) await().atMost(Duration.ofSeconds(10)).until(() -> messages(o) == 7L);
        else assertThat(messages(o)).isNull();
    }

    private Long messages(Ordo o) {
        for (QueueStats s : o.queues().stats()) if (s.queue().equals(queue)) return s.transportMessages();
        return null;
    }

    @Test
    void jobsTheBrokerLostArePublishedAgain() {
        Ordo submitter = node(c -> c.workers(false).queueDuties(false, Duration.ofMinutes(10)));
        List<JobRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 30; i++) reqs.add(job("qb-noop"));
        List<Job> jobs = submitter.jobs().submitBatch(reqs);
        if (broker()) await().atMost(Duration.ofSeconds(10)).until(() -> messages(submitter) == 30L);
        loseBrokerData(queue, Set.of("qb-noop"));
        if (broker()) assertThat(messages(submitter)).isZero();
        // the reconciler runs on the leader: the submitter (first up, so leading) hands the lead over
        submitter.close();
        Ordo worker = node(c -> c.queueDuties(true, Duration.ofMillis(400)));
        await().atMost(Duration.ofSeconds(5)).until(() -> worker.leadership().leading());
        await().atMost(Duration.ofSeconds(30)).until(() -> worker.jobs().stats().count(JobStatus.COMPLETED) == jobs.size());
        for (Job j : jobs) assertThat(runsOf(j.id())).isEqualTo(1);
        if (worker.queueBackend() instanceof TransportQueueBackend t) {
            assertThat(t.reconcileNow().published()).isZero(); // nothing is missing any more
        }
    }

    /**
     * Capabilities and routing: a node without the required capabilities never runs the job; on a
     * broker it gives the message back (the job is not left to the reconciler), so the node that has
     * them gets it. A job nobody can run stays pending, its message kept.
     */
    @Test
    void aJobRunsOnlyOnANodeWithTheCapabilitiesItRequires() {
        Ordo plain = node(c -> c.nodeId("plain-" + queue));
        Ordo gpu = node(c -> c.nodeId("gpu-" + queue).capabilities(Map.of("gpu", "1", "class", "io")));
        List<JobRequest> gpuReqs = new ArrayList<>();
        List<JobRequest> plainReqs = new ArrayList<>();
        for (int i = 0; i < 5; i++) gpuReqs.add(job("qb-noop").requires(Map.of("gpu", 1)));
        for (int i = 0; i < 10; i++) plainReqs.add(job("qb-noop"));
        List<Job> gpuJobs = plain.jobs().submitBatch(gpuReqs);
        Job nobody = plain.jobs().submit(job("qb-noop").requires(Map.of("tpu", "1")));
        List<Job> plainJobs = plain.jobs().submitBatch(plainReqs);
        for (Job j : gpuJobs) {
            Job done = awaitStatus(plain, j.id(), JobStatus.COMPLETED);
            assertThat(done.leaseOwner()).isEqualTo("gpu-" + queue);
            assertThat(done.requires()).isEqualTo("gpu=1");
            assertThat(runsOf(j.id())).isEqualTo(1);
        }
        for (Job j : plainJobs) awaitStatus(plain, j.id(), JobStatus.COMPLETED);
        assertThat(plain.jobs().require(nobody.id()).status()).isEqualTo(JobStatus.PENDING);
        assertThat(runsOf(nobody.id())).isZero();
        // its message was kept, not dropped: a node that can run it gets it without a reconciler pass
        // (theirs ran at their start, before the submit; this one runs none)
        node(c -> c.nodeId("tpu-" + queue).capabilities(Map.of("tpu", "1")).queueDuties(false, Duration.ofMinutes(10)));
        Job done = awaitStatus(gpu, nobody.id(), JobStatus.COMPLETED);
        assertThat(done.leaseOwner()).isEqualTo("tpu-" + queue);
    }

    @Test
    void aMessageForAJobNoLongerPendingIsDropped() {
        Ordo o = node(c -> { });
        Job j = o.jobs().submit(job("qb-noop"));
        awaitStatus(o, j.id(), JobStatus.COMPLETED);
        // a stale duplicate, as a broker that delivers twice or a reconciler racing a claim would leave
        o.queueBackend().publishReady(List.of(new QueueMessage(j.id(), queue, "qb-noop")));
        Job after = o.jobs().submit(job("qb-noop"));
        awaitStatus(o, after.id(), JobStatus.COMPLETED);
        if (broker()) await().atMost(Duration.ofSeconds(10)).until(() -> messages(o) == 0L);
        assertThat(runsOf(j.id())).isEqualTo(1);
        assertThat(o.jobs().require(j.id()).attempt()).isEqualTo(1);
    }
}
