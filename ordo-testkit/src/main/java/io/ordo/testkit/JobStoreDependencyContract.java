package io.ordo.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.model.Dependency;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.DependencyStore.Release;
import io.ordo.core.store.DependsOn;
import io.ordo.core.store.Failure;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;
import io.ordo.core.util.Uuids;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Jobs that depend on jobs ({@code depends_on}), for every store: chains, diamonds, a failing,
 * cancelled, already ended or pruned dependency, unknown ids, and concurrent evaluations.
 */
public abstract class JobStoreDependencyContract extends JobStoreContractBase {

    // ---- helpers ------------------------------------------------------------------------------

    /** A job waiting on {@code on}, as the engine builds it. */
    private static NewJob dependant(boolean runOnFailure, UUID... on) {
        return dependant(TestJobs.at(T0), runOnFailure, on);
    }

    private static NewJob dependant(TestJobs b, boolean runOnFailure, UUID... on) {
        NewJob n = b.build();
        ObjectNode meta = Json.MAPPER.createObjectNode();
        var ids = meta.putArray("depends_on");
        for (UUID id : on) ids.add(id.toString());
        if (runOnFailure) meta.put("run_on_failure", true);
        return n.withStatus(WAITING, null, null, meta);
    }

    private static DependsOn deps(NewJob n, boolean runOnFailure) {
        List<UUID> on = new ArrayList<>();
        n.meta().get("depends_on").forEach(x -> on.add(UUID.fromString(x.asText())));
        return new DependsOn(n.id(), on, runOnFailure);
    }

    /** Inserts the jobs; the waiting ones with their dependencies (in the given order). */
    private List<Job> submit(NewJob... jobs) {
        List<DependsOn> d = new ArrayList<>();
        for (NewJob n : jobs) {
            if (n.status() == WAITING) d.add(deps(n, n.meta().path("run_on_failure").asBoolean(false)));
        }
        return store.insert(List.of(jobs), InsertOptions.NONE, d).stream().map(SubmitResult::job).toList();
    }

    private Job run(UUID id, Instant now) {
        List<Job> got = store.claimIds(new ClaimRequest("default", ALL_TYPES, 1, "w", LEASE, now), List.of(id));
        assertThat(got).as("job %s claimable", id).hasSize(1);
        return got.get(0);
    }

    private void completeNow(UUID id, Instant now) {
        Job j = run(id, now);
        assertThat(store.complete(List.of(new Completion(j.lease(), null, now)))).containsEntry(id, COMPLETED);
    }

    private void failNow(UUID id, Instant now) {
        Job j = run(id, now);
        assertThat(store.fail(new Failure(j.lease(), err(j, "boom"), FAILED, null, now))).isTrue();
    }

    private JobStatus release(UUID id, Instant now) {
        return store.release(id, now).moved();
    }

    // ---- the tests ----------------------------------------------------------------------------

    @Test
    void aChainRunsInOrder() {
        NewJob a = TestJobs.at(T0).build();
        NewJob b = dependant(false, a.id());
        NewJob c = dependant(false, b.id());
        List<Job> in = submit(a, b, c);
        assertThat(in).extracting(Job::status).containsExactly(PENDING, WAITING, WAITING);
        assertThat(in.get(1).startedAt()).as("a dependant has not started").isNull();
        assertThat(store.dependants(List.of(a.id()))).containsExactly(b.id());
        assertThat(store.dependencies(c.id())).containsExactly(new Dependency(b.id(), WAITING));

        assertThat(release(b.id(), at(1))).as("a is still pending").isNull();
        completeNow(a.id(), at(1));
        assertThat(release(b.id(), at(2))).isEqualTo(PENDING);
        assertThat(release(c.id(), at(2))).isNull();
        assertThat(get(c.id()).status()).isEqualTo(WAITING);
        completeNow(b.id(), at(3));
        assertThat(release(c.id(), at(4))).isEqualTo(PENDING);
        assertThat(get(c.id()).status()).isEqualTo(PENDING);
        assertThat(store.waitingOnDependencies(null, 10)).isEmpty();
        assertThat(store.dependencies(c.id())).as("rows are dropped on release").isEmpty();
    }

    @Test
    void aDiamondWaitsForBothBranches() {
        NewJob a = TestJobs.at(T0).build();
        NewJob b = dependant(false, a.id());
        NewJob c = dependant(false, a.id());
        NewJob d = dependant(false, b.id(), c.id());
        submit(a, b, c, d);
        assertThat(store.dependants(List.of(a.id()))).containsExactlyInAnyOrder(b.id(), c.id());
        assertThat(store.dependants(List.of(a.id(), b.id(), c.id()))).as("each once").containsExactlyInAnyOrder(b.id(), c.id(), d.id());
        assertThat(store.dependants(List.of(d.id()))).isEmpty();
        completeNow(a.id(), at(1));
        assertThat(release(b.id(), at(2))).isEqualTo(PENDING);
        assertThat(release(c.id(), at(2))).isEqualTo(PENDING);
        completeNow(b.id(), at(3));
        assertThat(release(d.id(), at(3))).as("c still pending").isNull();
        completeNow(c.id(), at(4));
        assertThat(release(d.id(), at(5))).isEqualTo(PENDING);
        assertThat(store.counts().get("default")).containsEntry(COMPLETED, 3L).containsEntry(PENDING, 1L);
    }

    @Test
    void aFailedDependencySkipsTheDependantAndItsOwnDependants() {
        NewJob a = TestJobs.at(T0).build();
        NewJob b = dependant(false, a.id());
        NewJob c = dependant(false, b.id());
        submit(a, b, c);
        failNow(a.id(), at(1));
        assertThat(release(b.id(), at(2))).isEqualTo(SKIPPED);
        Job skipped = get(b.id());
        assertThat(skipped.error()).contains(a.id().toString()).contains("failed");
        assertThat(skipped.finishedAt()).isEqualTo(at(2));
        assertThat(store.dependants(List.of(b.id()))).containsExactly(c.id());
        assertThat(release(c.id(), at(3))).isEqualTo(SKIPPED);
        assertThat(get(c.id()).error()).contains(b.id().toString()).contains("skipped");
        assertThat(store.counts().get("default")).containsEntry(FAILED, 1L).containsEntry(SKIPPED, 2L);
        assertThat(store.waitingOnDependencies(null, 10)).isEmpty();
    }

    @Test
    void aDependantSkipsAsSoonAsOneDependencyFailsEvenWithOthersLive() {
        NewJob a = TestJobs.at(T0).build();
        NewJob x = TestJobs.at(T0).build();
        NewJob b = dependant(false, a.id(), x.id());
        submit(a, x, b);
        failNow(a.id(), at(1));
        assertThat(release(b.id(), at(2))).isEqualTo(SKIPPED);
        assertThat(get(x.id()).status()).isEqualTo(PENDING);
    }

    @Test
    void runOnFailureRunsOnceEveryDependencyEnded() {
        NewJob a = TestJobs.at(T0).build();
        NewJob x = TestJobs.at(T0).build();
        NewJob b = dependant(true, a.id(), x.id());
        submit(a, x, b);
        failNow(a.id(), at(1));
        assertThat(release(b.id(), at(2))).as("x is still live").isNull();
        store.cancel(x.id(), at(2));
        assertThat(release(b.id(), at(3))).isEqualTo(PENDING);
    }

    @Test
    void aCancelledDependencySkipsTheDependant() {
        NewJob a = TestJobs.at(T0).build();
        NewJob b = dependant(false, a.id());
        submit(a, b);
        store.cancel(a.id(), at(1));
        assertThat(release(b.id(), at(2))).isEqualTo(SKIPPED);
        assertThat(get(b.id()).error()).contains(a.id().toString()).contains("cancelled");
    }

    @Test
    void dependenciesAlreadyEndedAtSubmitDecideAtOnce() {
        NewJob done = TestJobs.at(T0).build();
        NewJob failed = TestJobs.at(T0).build();
        insert(done);
        insert(failed);
        completeNow(done.id(), at(1));
        failNow(failed.id(), at(1));

        NewJob ok = dependant(false, done.id());
        NewJob bad = dependant(false, done.id(), failed.id());
        NewJob anyway = dependant(true, failed.id());
        NewJob after = dependant(false, bad.id()); // a batch job skipped at submit skips its dependants too
        List<Job> in = submit(ok, bad, anyway, after);
        assertThat(in).extracting(Job::status).containsExactly(PENDING, SKIPPED, PENDING, SKIPPED);
        assertThat(get(bad.id()).error()).contains(failed.id().toString());
        assertThat(get(ok.id()).status()).isEqualTo(PENDING);
        assertThat(store.waitingOnDependencies(null, 10)).isEmpty();
        assertThat(claim("w", 10, at(2))).extracting(Job::id).containsExactlyInAnyOrder(ok.id(), anyway.id());
    }

    @Test
    void aDependencyPrunedAfterItEndedCountsAsCompleted() {
        NewJob a = TestJobs.at(T0).build();
        NewJob x = TestJobs.at(T0).build();
        NewJob b = dependant(false, a.id(), x.id());
        submit(a, x, b);
        completeNow(a.id(), at(1));
        assertThat(store.prune(at(10), 100)).isEqualTo(1);
        assertThat(store.get(a.id())).isEmpty();
        assertThat(store.dependencies(b.id())).contains(new Dependency(a.id(), null));
        assertThat(release(b.id(), at(11))).as("x still pending").isNull();
        completeNow(x.id(), at(12));
        assertThat(release(b.id(), at(13))).isEqualTo(PENDING);
    }

    @Test
    void uniqueKeysResolveDependantsAndDependenciesToTheLiveJobs() {
        NewJob held = TestJobs.at(T0).uniqueKey("held").build();
        NewJob waiter = TestJobs.at(T0).uniqueKey("waiter").build();
        insert(held);
        insert(waiter);
        // a batch item that resolves to the live "held" job is depended on as that job
        NewJob again = TestJobs.at(T0).uniqueKey("held").build();
        NewJob d = dependant(false, again.id());
        // a dependant that resolves to an existing job gets no dependencies of its own
        NewJob sameAsWaiter = dependant(TestJobs.at(T0).uniqueKey("waiter"), false, again.id());
        List<Job> in = submit(again, d, sameAsWaiter);
        assertThat(in.get(0).id()).isEqualTo(held.id());
        assertThat(in.get(1).status()).isEqualTo(WAITING);
        assertThat(in.get(2).id()).isEqualTo(waiter.id());
        assertThat(in.get(2).status()).isEqualTo(PENDING);
        assertThat(store.dependencies(d.id())).containsExactly(new Dependency(held.id(), PENDING));
        assertThat(store.dependants(List.of(held.id(), again.id()))).containsExactly(d.id());
        completeNow(held.id(), at(1));
        assertThat(release(d.id(), at(2))).isEqualTo(PENDING);
    }

    @Test
    void anUnknownDependencyIsRefusedAndNothingIsWritten() {
        NewJob a = TestJobs.at(T0).build();
        UUID nowhere = Uuids.v7();
        NewJob b = dependant(false, a.id(), nowhere);
        assertThatThrownBy(() -> submit(a, b))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("jobs[1].depends_on")
                .hasMessageContaining(nowhere.toString());
        assertThat(store.get(a.id())).isEmpty();
        assertThat(store.get(b.id())).isEmpty();
        assertThat(store.waitingOnDependencies(null, 10)).isEmpty();
        assertThat(store.counts().getOrDefault("default", java.util.Map.of())).isEmpty();

        NewJob alone = dependant(false, nowhere);
        assertThatThrownBy(() -> submit(alone)).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("depends_on: no job " + nowhere);
    }

    @Test
    void aCancelledOrDeletedDependantIsForgotten() {
        NewJob a = TestJobs.at(T0).build();
        NewJob b = dependant(false, a.id());
        NewJob c = dependant(false, a.id());
        submit(a, b, c);
        assertThat(store.cancel(b.id(), at(1)).job().status()).isEqualTo(CANCELLED);
        store.cancel(c.id(), at(1));
        store.delete(c.id());
        completeNow(a.id(), at(2));
        for (UUID id : store.dependants(List.of(a.id()))) assertThat(release(id, at(3))).isNull();
        assertThat(get(b.id()).status()).isEqualTo(CANCELLED);
        assertThat(store.waitingOnDependencies(null, 10)).isEmpty();
    }

    @Test
    void theWaitingArePagedInIdOrder() {
        NewJob a = TestJobs.at(T0).build();
        List<NewJob> all = new ArrayList<>(List.of(a));
        for (int i = 0; i < 5; i++) all.add(dependant(false, a.id()));
        submit(all.toArray(NewJob[]::new));
        List<UUID> seen = new ArrayList<>();
        UUID after = null;
        List<UUID> page;
        do {
            page = store.waitingOnDependencies(after, 2);
            assertThat(page.size()).isLessThanOrEqualTo(2);
            seen.addAll(page);
            if (!page.isEmpty()) after = page.get(page.size() - 1);
        } while (page.size() == 2);
        assertThat(seen).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(all.subList(1, 6).stream().map(NewJob::id).toList());
    }

    @Test
    void twoEvaluatorsAtOnceReleaseOnce() throws Exception {
        NewJob a = TestJobs.at(T0).build();
        List<NewJob> all = new ArrayList<>(List.of(a));
        for (int i = 0; i < 20; i++) all.add(dependant(false, a.id()));
        submit(all.toArray(NewJob[]::new));
        completeNow(a.id(), at(1));
        int moves = 0;
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            for (NewJob d : all.subList(1, all.size())) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Release>> both = new ArrayList<>();
                for (int k = 0; k < 2; k++) both.add(pool.submit(() -> {
                    go.await();
                    return store.release(d.id(), at(2));
                }));
                go.countDown();
                int moved = 0;
                for (Future<Release> f : both) if (f.get().moved() == PENDING) moved++;
                assertThat(moved).as("job %s released by exactly one evaluator", d.id()).isEqualTo(1);
                moves += moved;
            }
        }
        assertThat(moves).isEqualTo(20);
        assertThat(store.counts().get("default")).containsEntry(PENDING, 20L).doesNotContainKey(WAITING);
    }

    @Test
    void releaseAndSkipWriteStatusChangeEvents() {
        NewJob a = TestJobs.at(T0).build();
        NewJob b = dependant(false, a.id());
        NewJob x = TestJobs.at(T0).build();
        NewJob y = dependant(false, x.id());
        submit(a, b, x, y);
        completeNow(a.id(), at(1));
        failNow(x.id(), at(1));
        assertThat(release(b.id(), at(2))).isEqualTo(PENDING);
        assertThat(release(y.id(), at(2))).isEqualTo(SKIPPED);
        // PostgreSQL numbers the events written in transactions a moment after they commit
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(store.eventsAfter(0, 10_000))
                .anySatisfy(e -> assertThat(e.event().payload()).containsEntry("job_id", b.id().toString()).containsEntry("status", "pending"))
                .anySatisfy(e -> assertThat(e.event().payload()).containsEntry("job_id", y.id().toString()).containsEntry("status", "skipped")
                        .containsEntry("error", "dependency " + x.id() + " failed")));
    }
}
