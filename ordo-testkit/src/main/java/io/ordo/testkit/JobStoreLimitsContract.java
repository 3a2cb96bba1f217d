package io.ordo.testkit;

import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.QueueFullException;
import io.ordo.core.limits.Limit;
import io.ordo.core.limits.LimitScope;
import io.ordo.core.limits.Rate;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.LimitedClaim;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cluster-wide limits: the stored settings, the claim under them and the stored capacity at submit. */
public abstract class JobStoreLimitsContract {
    /** On a minute boundary, so that rate windows are easy to reason about. */
    protected static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(30);

    protected JobStore store;

    protected abstract JobStore createStore();

    /** Claimers that race; SQL stores use their connection pool. */
    protected int threads() {
        return 8;
    }

    @BeforeEach
    void openStore() {
        store = createStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) store.close();
    }

    private static ClaimRequest claim(String queue, Set<String> types, int limit, String owner, Instant now) {
        return new ClaimRequest(queue, types, limit, owner, LEASE, now);
    }

    private void insert(String queue, String type, int n, int priority) {
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) jobs.add(TestJobs.at(T0).queue(queue).type(type).priority(priority).build());
        store.insert(jobs, InsertOptions.NONE);
    }

    private Limit stored(LimitScope scope, String name) {
        return store.limits().stream().filter(l -> l.scope() == scope && l.name().equals(name)).findFirst().orElse(null);
    }

    @Test
    void limitsAreStoredReplacedAndRemoved() {
        assertThat(store.limits()).isEmpty();
        store.saveLimit(Limit.of(LimitScope.QUEUE, "q", 10, 3, Rate.parse("5/1m")), T0);
        store.saveLimit(Limit.of(LimitScope.TYPE, "t", null, 2, null), T0);
        Limit q = stored(LimitScope.QUEUE, "q");
        assertThat(q.capacity()).isEqualTo(10);
        assertThat(q.maxRunning()).isEqualTo(3);
        assertThat(q.rate()).isEqualTo(new Rate(5, Duration.ofMinutes(1)));
        assertThat(q.rate().toString()).isEqualTo("5/1m");
        assertThat(q.updatedAt()).isEqualTo(T0);
        assertThat(stored(LimitScope.TYPE, "t").maxRunning()).isEqualTo(2);
        assertThat(stored(LimitScope.TYPE, "t").capacity()).isNull();
        assertThat(stored(LimitScope.TYPE, "q")).as("a queue and a type of the same name are apart").isNull();

        insert("q", "noop", 3, 0);
        assertThat(store.claimLimited(claim("q", Set.of("noop"), 2, "w", T0)).jobs()).hasSize(2);
        assertThat(stored(LimitScope.QUEUE, "q").usedAt(T0)).isEqualTo(2);
        // the same rate keeps what the window counted; another rate starts afresh
        store.saveLimit(Limit.of(LimitScope.QUEUE, "q", 20, 3, Rate.parse("5/1m")), T0.plusSeconds(1));
        assertThat(stored(LimitScope.QUEUE, "q").usedAt(T0)).isEqualTo(2);
        assertThat(stored(LimitScope.QUEUE, "q").capacity()).isEqualTo(20);
        store.saveLimit(Limit.of(LimitScope.QUEUE, "q", 20, 3, Rate.parse("6/1m")), T0.plusSeconds(2));
        assertThat(stored(LimitScope.QUEUE, "q").usedAt(T0)).isZero();

        store.saveLimit(Limit.of(LimitScope.TYPE, "t", null, null, null), T0);
        assertThat(stored(LimitScope.TYPE, "t")).as("nothing left limited: no row").isNull();
        assertThat(store.deleteLimit(LimitScope.QUEUE, "q")).isTrue();
        assertThat(store.deleteLimit(LimitScope.QUEUE, "q")).isFalse();
        assertThat(store.limits()).isEmpty();
    }

    @Test
    void withoutLimitRowsTheLimitedClaimIsAPlainClaim() {
        insert("q", "noop", 5, 0);
        LimitedClaim got = store.claimLimited(claim("q", Set.of("noop"), 3, "w", T0));
        assertThat(got.jobs()).hasSize(3).allMatch(j -> j.status() == JobStatus.RUNNING && j.leaseOwner().equals("w"));
        assertThat(got.held()).isFalse();
    }

    @Test
    void maxRunningOfAQueueBoundsTheClaimUntilAJobEnds() {
        store.saveLimit(Limit.of(LimitScope.QUEUE, "q", null, 3, null), T0);
        insert("q", "noop", 10, 0);
        LimitedClaim first = store.claimLimited(claim("q", Set.of("noop"), 10, "w", T0));
        assertThat(first.jobs()).hasSize(3);
        assertThat(first.held()).isTrue();
        assertThat(first.retryAt()).as("max_running frees up when a job ends, not at a time").isNull();
        assertThat(store.claimLimited(claim("q", Set.of("noop"), 10, "w", T0)).jobs()).isEmpty();

        Job done = first.jobs().get(0);
        store.complete(List.of(new Completion(done.lease(), null, T0)));
        assertThat(store.claimLimited(claim("q", Set.of("noop"), 10, "w", T0)).jobs()).hasSize(1);
        assertThat(store.counts().get("q")).containsEntry(JobStatus.RUNNING, 3L).containsEntry(JobStatus.PENDING, 6L);
    }

    @Test
    void aTypeAtItsCapLeavesRoomForTheOtherTypes() {
        store.saveLimit(Limit.of(LimitScope.TYPE, "heavy", null, 2, null), T0);
        insert("q", "heavy", 6, 0); // first in claim order
        insert("q", "light", 4, 5);
        LimitedClaim got = store.claimLimited(claim("q", Set.of("heavy", "light"), 10, "w", T0));
        assertThat(got.jobs()).extracting(Job::type).containsExactly("heavy", "heavy", "light", "light", "light", "light");
        assertThat(got.held()).isTrue();
        // the type's cap holds across queues
        insert("other", "heavy", 2, 0);
        assertThat(store.claimLimited(claim("other", Set.of("heavy"), 5, "w", T0)).jobs()).isEmpty();
        Job heavy = got.jobs().get(0);
        store.complete(List.of(new Completion(heavy.lease(), null, T0)));
        assertThat(store.claimLimited(claim("other", Set.of("heavy"), 5, "w", T0)).jobs()).hasSize(1).allMatch(j -> j.queue().equals("other"));
    }

    @Test
    void aRateAllowsNClaimsPerFixedWindow() {
        store.saveLimit(Limit.of(LimitScope.QUEUE, "q", null, null, Rate.parse("3/1m")), T0);
        insert("q", "noop", 10, 0);
        LimitedClaim a = store.claimLimited(claim("q", Set.of("noop"), 2, "w", T0.plusSeconds(5)));
        assertThat(a.jobs()).hasSize(2);
        LimitedClaim b = store.claimLimited(claim("q", Set.of("noop"), 5, "w", T0.plusSeconds(30)));
        assertThat(b.jobs()).hasSize(1);
        assertThat(b.held()).isTrue();
        assertThat(b.retryAt()).as("the window ends on the next minute").isEqualTo(T0.plusSeconds(60));
        assertThat(store.claimLimited(claim("q", Set.of("noop"), 5, "w", T0.plusSeconds(59))).jobs()).isEmpty();
        assertThat(stored(LimitScope.QUEUE, "q").usedAt(T0.plusSeconds(59))).isEqualTo(3);
        // the next window (aligned to the epoch, not to the first claim)
        assertThat(store.claimLimited(claim("q", Set.of("noop"), 5, "w", T0.plusSeconds(60))).jobs()).hasSize(3);
        assertThat(store.claimLimited(claim("q", Set.of("noop"), 5, "w", T0.plusSeconds(61))).jobs()).isEmpty();
        // a claim whose time was taken before the new window opened (it waited, or its clock is behind)
        // counts in the newer window instead of starting the older one's count again
        LimitedClaim late = store.claimLimited(claim("q", Set.of("noop"), 5, "w", T0.plusMillis(59_900)));
        assertThat(late.jobs()).isEmpty();
        assertThat(late.retryAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(stored(LimitScope.QUEUE, "q").windowStart()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void aTypeRateCountsOnlyThatType() {
        store.saveLimit(Limit.of(LimitScope.TYPE, "api", null, null, Rate.parse("2/10s")), T0);
        insert("q", "api", 5, 0);
        insert("q", "local", 3, 1);
        LimitedClaim got = store.claimLimited(claim("q", Set.of("api", "local"), 10, "w", T0));
        assertThat(got.jobs()).extracting(Job::type).containsExactly("api", "api", "local", "local", "local");
        assertThat(stored(LimitScope.TYPE, "api").usedAt(T0)).isEqualTo(2);
        assertThat(store.claimLimited(claim("q", Set.of("api"), 10, "w", T0.plusSeconds(10))).jobs()).hasSize(2);
    }

    @Test
    void claimingByIdsReportsThePendingJobsALimitKeptBack() {
        store.saveLimit(Limit.of(LimitScope.QUEUE, "q", null, 2, null), T0);
        insert("q", "noop", 4, 0);
        List<UUID> ids = store.claim(claim("q", Set.of("noop"), 4, "peek", T0)).stream().map(Job::id).toList();
        // give them back so they are pending again, then claim them by id under the limit
        for (Job j : ids.stream().map(id -> store.get(id).orElseThrow()).toList()) store.handBack(j.lease(), "test", T0);
        Job gone = store.get(ids.get(3)).orElseThrow();
        store.cancel(gone.id(), T0);
        LimitedClaim got = store.claimIdsLimited(claim("q", Set.of("noop"), 4, "w", T0), ids);
        assertThat(got.jobs()).hasSize(2);
        assertThat(got.deferred()).as("pending but kept back; a cancelled job is not deferred").hasSize(1)
                .doesNotContain(gone.id()).doesNotContainAnyElementsOf(got.jobs().stream().map(Job::id).toList());
        assertThat(got.held()).isTrue();
    }

    @Test
    void maxRunningHoldsWithManyClaimersAtOnce() throws Exception {
        int total = 300;
        int max = 4;
        store.saveLimit(Limit.of(LimitScope.QUEUE, "q", null, max, null), T0);
        insert("q", "noop", total, 0);
        AtomicLong worst = new AtomicLong();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger worker = new AtomicInteger();
        race(threads(), () -> {
            String me = "w" + worker.incrementAndGet();
            int idle = 0;
            while (done.get() < total && idle < 10_000) {
                List<Job> got = store.claimLimited(claim("q", Set.of("noop"), 3, me, T0)).jobs();
                if (got.isEmpty()) {
                    idle++;
                    Thread.onSpinWait();
                    continue;
                }
                long running = store.counts().get("q").getOrDefault(JobStatus.RUNNING, 0L);
                worst.accumulateAndGet(running, Math::max);
                store.complete(got.stream().map(j -> new Completion(j.lease(), null, T0)).toList());
                done.addAndGet(got.size());
            }
            return null;
        });
        assertThat(worst.get()).as("running jobs seen right after a claim").isLessThanOrEqualTo(max).isPositive();
        assertThat(store.counts().get("q")).containsEntry(JobStatus.COMPLETED, (long) total);
    }

    @Test
    void aStoredCapacityIsEnforcedAtSubmitAndWinsOverTheNodeFlag() {
        store.saveLimit(Limit.of(LimitScope.QUEUE, "small", 2, null, null), T0);
        store.saveLimit(Limit.of(LimitScope.TYPE, "sleep", 1, null, null), T0);
        try (Ordo ordo = Ordo.create(OrdoConfig.defaults().store(store).workers(false).queue("small", 0, 100))) {
            ordo.jobs().submit(JobRequest.of("noop").queue("small"));
            ordo.jobs().submit(JobRequest.of("noop").queue("small"));
            assertThatThrownBy(() -> ordo.jobs().submit(JobRequest.of("noop").queue("small")))
                    .isInstanceOf(QueueFullException.class).hasMessageContaining("capacity 2");
            ordo.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 1)).queue("a"));
            assertThatThrownBy(() -> ordo.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 1)).queue("b")))
                    .isInstanceOf(QueueFullException.class).hasMessageContaining("job type 'sleep'");
            assertThat(store.counts().get("small")).containsEntry(JobStatus.PENDING, 2L);
            assertThat(store.counts()).doesNotContainKey("b");

            // cleared here: this node sees it at once
            ordo.queues().clearLimits(LimitScope.QUEUE, "small");
            ordo.jobs().submit(JobRequest.of("noop").queue("small"));
            assertThat(store.counts().get("small")).containsEntry(JobStatus.PENDING, 3L);
        }
    }

    private <T> List<T> race(int n, java.util.concurrent.Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
