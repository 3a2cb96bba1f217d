package io.ordo.testkit;

import io.ordo.core.engine.Leadership;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.LeaderLease;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The leader lease every store keeps, and the election built on it: one leader at a time, takeover when it goes silent. */
public abstract class LeaderContract extends JobStoreContractBase {
    private static final Duration L = Duration.ofSeconds(15);

    @Test
    void theFirstNodeLeadsAndRenewsWhileOthersAreRefused() {
        assertThat(store.leader()).isEmpty();
        LeaderLease a = store.lead("a", T0, L).orElseThrow();
        assertThat(a).isEqualTo(new LeaderLease("a", 1, T0, T0.plus(L)));
        assertThat(store.lead("b", T0.plusSeconds(14), L)).isEmpty();
        LeaderLease renewed = store.lead("a", T0.plusSeconds(5), L).orElseThrow();
        assertThat(renewed).isEqualTo(new LeaderLease("a", 1, T0, T0.plusSeconds(5).plus(L)));
        // the renewal moved the end: b is refused past the first lease's end too
        assertThat(store.lead("b", T0.plusSeconds(16), L)).isEmpty();
        assertThat(store.leader()).contains(renewed);
    }

    @Test
    void anotherNodeTakesOverOnceTheLeaseRanOutWithTheNextTerm() {
        store.lead("a", T0, L).orElseThrow();
        LeaderLease b = store.lead("b", T0.plus(L), L).orElseThrow();
        assertThat(b).isEqualTo(new LeaderLease("b", 2, T0.plus(L), T0.plus(L).plus(L)));
        // the old leader comes back: refused while b's lease runs
        assertThat(store.lead("a", T0.plus(L).plusSeconds(1), L)).isEmpty();
        assertThat(store.leader()).contains(b);
    }

    @Test
    void resigningLetsAnotherNodeInAtOnceAndOnlyTheHolderCanResign() {
        store.lead("a", T0, L).orElseThrow();
        store.resign("b", T0.plusSeconds(1));
        assertThat(store.lead("b", T0.plusSeconds(1), L)).isEmpty();
        store.resign("a", T0.plusSeconds(2));
        assertThat(store.leader()).get().satisfies(l -> assertThat(l.heldAt(T0.plusSeconds(2))).isFalse());
        assertThat(store.lead("b", T0.plusSeconds(2), L)).get().extracting(LeaderLease::node, LeaderLease::term).containsExactly("b", 2L);
    }

    @Test
    void nodesRacingForAFreeLeaseGetOneLeader() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<LeaderLease>>> tries = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String node = "n" + i;
                tries.add(pool.submit(() -> {
                    go.await();
                    return store.lead(node, T0, L);
                }));
            }
            go.countDown();
            List<LeaderLease> granted = new ArrayList<>();
            for (Future<Optional<LeaderLease>> f : tries) f.get(30, TimeUnit.SECONDS).ifPresent(granted::add);
            assertThat(granted).hasSize(1);
            assertThat(store.leader()).contains(granted.get(0));
        } finally {
            pool.shutdownNow();
        }
    }

    /** A node whose store can be cut off: every lease call fails, as when its database connection hangs. */
    private static final class CutOff extends ForwardingJobStore {
        final AtomicBoolean cut = new AtomicBoolean();

        CutOff(JobStore delegate) {
            super(delegate);
        }

        @Override
        public Optional<LeaderLease> lead(String node, Instant now, Duration lease) {
            if (cut.get()) throw new IllegalStateException("cut off");
            return super.lead(node, now, lease);
        }
    }

    @Test
    void aLeaderCutOffStopsLeadingBeforeAnotherTakesOverAndNeverTwoLeadAtOnce() throws Exception {
        Duration lease = Duration.ofSeconds(2);
        List<CutOff> views = new ArrayList<>();
        List<Leadership> nodes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            CutOff view = new CutOff(store);
            views.add(view);
            nodes.add(new Leadership(view, "node-" + i, Clock.systemUTC(), lease));
        }
        AtomicInteger overlaps = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (sampling.get()) {
                if (nodes.stream().filter(Leadership::leading).count() > 1) overlaps.incrementAndGet();
                samples.incrementAndGet();
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
        });
        try {
            nodes.forEach(Leadership::start);
            await().atMost(Duration.ofSeconds(5)).until(() -> nodes.stream().filter(Leadership::leading).count() == 1);
            int first = leaderIndex(nodes);
            long term = nodes.get(first).term();
            views.get(first).cut.set(true);
            long cutAt = System.nanoTime();
            // the cut-off leader stops within 3/4 of the lease; another leads within about lease + lease/4
            await().atMost(Duration.ofSeconds(6)).until(() -> {
                int i = leaderIndex(nodes);
                return i >= 0 && i != first;
            });
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutAt);
            assertThat(tookMs).isLessThan(lease.plus(lease.dividedBy(4)).plusMillis(1_500).toMillis());
            assertThat(nodes.get(first).leading()).isFalse();
            assertThat(nodes.get(leaderIndex(nodes)).term()).isEqualTo(term + 1);
            // the old leader reconnects: it does not lead again while the new one renews
            views.get(first).cut.set(false);
            nodes.get(first).attempt();
            assertThat(nodes.get(first).leading()).isFalse();
        } finally {
            sampling.set(false);
            sampler.join();
            nodes.forEach(Leadership::close);
        }
        assertThat(samples.get()).isGreaterThan(1000);
        assertThat(overlaps.get()).as("samples with two leaders").isZero();
    }

    @Test
    void onlyTheLeadingNodeRunsTheDutiesAndACleanShutdownHandsOverAtOnce() {
        java.util.function.Function<String, io.ordo.core.Ordo> node = id -> io.ordo.core.Ordo.create(io.ordo.core.OrdoConfig.defaults()
                .store(store).nodeId(id).queue("default", 1).leaderLease(Duration.ofSeconds(2))).start();
        io.ordo.core.Ordo a = node.apply("a");
        io.ordo.core.Ordo b = node.apply("b");
        try {
            assertThat(a.leadership().leading()).isTrue();
            assertThat(b.leadership().leading()).isFalse();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(b.cluster().nodes())
                    .filteredOn(io.ordo.core.ops.NodeView::leader).extracting(v -> v.node().id()).containsExactly("a"));
            a.close();
            // a resigned: b takes the lease at its next try, without waiting for a's lease to run out
            await().atMost(Duration.ofSeconds(2)).until(() -> b.leadership().leading());
            assertThat(store.leader()).get().extracting(LeaderLease::node, LeaderLease::term).containsExactly("b", 2L);
        } finally {
            b.close();
            a.close();
        }
    }

    private static int leaderIndex(List<Leadership> nodes) {
        for (int i = 0; i < nodes.size(); i++) if (nodes.get(i).leading()) return i;
        return -1;
    }
}
