package io.ordo.testkit;

import io.ordo.core.QueueFullException;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
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

/** Races between concurrent workers, maintenance and submitters on one store. */
public abstract class JobStoreConcurrencyContract {
    protected static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    private static final Set<String> TYPES = Set.of("noop");

    protected JobStore store;

    protected abstract JobStore createStore();

    /** Threads that hit the store at once; SQL stores use their connection pool. */
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

    @Test
    void concurrentClaimersNeverShareAJob() throws Exception {
        int total = 2000;
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < total; i++) jobs.add(TestJobs.at(T0).build());
        for (int i = 0; i < total; i += 500) store.insert(jobs.subList(i, i + 500), InsertOptions.NONE);

        Map<UUID, String> claimedBy = new ConcurrentHashMap<>();
        AtomicInteger duplicates = new AtomicInteger();
        AtomicInteger worker = new AtomicInteger();
        // a fast store lets the first claimer drain everything before another starts: each claimer holds
        // after its first claim until a second one has claimed too, so the claims really overlap
        java.util.concurrent.CountDownLatch twoClaimed = new java.util.concurrent.CountDownLatch(2);
        race(threads(), () -> {
            String me = "w" + worker.incrementAndGet();
            boolean first = true;
            while (true) {
                List<Job> got = store.claim(new ClaimRequest("default", TYPES, 7, me, Duration.ofSeconds(30), T0));
                if (got.isEmpty()) return null;
                if (first) {
                    first = false;
                    twoClaimed.countDown();
                    twoClaimed.await(10, java.util.concurrent.TimeUnit.SECONDS);
                }
                for (Job j : got) if (claimedBy.putIfAbsent(j.id(), me) != null) duplicates.incrementAndGet();
                store.complete(got.stream().map(j -> new Completion(j.lease(), null, T0)).toList());
            }
        });
        assertThat(duplicates.get()).isZero();
        assertThat(claimedBy).hasSize(total);
        assertThat(store.counts().get("default")).containsEntry(JobStatus.COMPLETED, (long) total);
        assertThat(new HashSet<>(claimedBy.values()).size()).as("work was spread over the claimers").isGreaterThan(1);
    }

    @Test
    void completionRacingARescueHasExactlyOneWinner() throws Exception {
        int total = 300;
        List<NewJob> jobs = new ArrayList<>();
        for (int i = 0; i < total; i++) jobs.add(TestJobs.at(T0).build());
        store.insert(jobs, InsertOptions.NONE);
        List<Job> claimed = store.claim(new ClaimRequest("default", TYPES, total, "slow", Duration.ofSeconds(1), T0));
        assertThat(claimed).hasSize(total);
        Instant late = T0.plusSeconds(5);

        Set<UUID> completedIds = Collections.newSetFromMap(new ConcurrentHashMap<>());
        Set<UUID> rescuedIds = Collections.newSetFromMap(new ConcurrentHashMap<>());
        AtomicInteger role = new AtomicInteger();
        race(4, () -> {
            boolean completer = role.incrementAndGet() % 2 == 0;
            for (Job j : claimed) {
                if (completer) {
                    completedIds.addAll(store.complete(List.of(new Completion(j.lease(), null, late))).keySet());
                } else if (store.rescue(j.lease(), JobStatus.PENDING, late,
                        new AttemptError(1, "slow", late, AttemptError.LEASE_EXPIRED, "expired"), late)) {
                    rescuedIds.add(j.id());
                }
            }
            return null;
        });
        assertThat(completedIds.size() + rescuedIds.size()).isEqualTo(total);
        assertThat(completedIds).noneMatch(rescuedIds::contains);
        for (Job j : claimed) {
            Job now = store.get(j.id()).orElseThrow();
            if (completedIds.contains(j.id())) {
                assertThat(now.status()).isEqualTo(JobStatus.COMPLETED);
                assertThat(now.errors()).isEmpty();
            } else {
                assertThat(now.status()).isEqualTo(JobStatus.PENDING);
                assertThat(now.errors()).hasSize(1);
            }
        }
    }

    @Test
    void concurrentSubmitsOfOneUniqueKeyCreateOneJob() throws Exception {
        List<SubmitResult> results = race(threads(), () ->
                store.insert(List.of(TestJobs.at(T0).uniqueKey("only-one").build()), InsertOptions.NONE).get(0));
        assertThat(results.stream().filter(SubmitResult::created)).hasSize(1);
        assertThat(results.stream().map(r -> r.job().id()).distinct()).hasSize(1);
    }

    @Test
    void concurrentSubmitsNeverOverfillAQueue() throws Exception {
        InsertOptions cap = new InsertOptions(Map.of("small", 5));
        AtomicInteger full = new AtomicInteger();
        race(threads() * 2, () -> {
            try {
                store.insert(List.of(TestJobs.at(T0).queue("small").build()), cap);
            } catch (QueueFullException e) {
                full.incrementAndGet();
            }
            return null;
        });
        assertThat(store.counts().get("small")).containsEntry(JobStatus.PENDING, 5L);
        assertThat(full.get()).isEqualTo(threads() * 2 - 5);
    }
}
