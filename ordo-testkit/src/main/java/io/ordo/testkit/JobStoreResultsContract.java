package io.ordo.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.Page;
import io.ordo.core.model.ResultScope;
import io.ordo.core.model.SavedResult;
import io.ordo.core.store.Completion;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Saved results (several per job: appended, fenced, paged, counted, expired, pruned) and the store's
 * part in parents that continue after their children (waiting back to pending, once).
 */
public abstract class JobStoreResultsContract extends JobStoreContractBase {

    private long save(Job j, String data, String title, String reference, Instant expiresAt, Instant now) {
        OptionalLong id = store.appendResult(j.lease(), Json.parse(data), title, reference, expiresAt, now);
        assertThat(id).as("saved under a held lease").isPresent();
        return id.getAsLong();
    }

    private static ResultScope tree(Job root) {
        return new ResultScope(ResultScope.Kind.TREE, root.id());
    }

    /** The running parent's children, claimed (the parent is claimed first, so "w" takes only them). */
    private List<Job> spawnAndClaim(Job parent, int n, Instant now) {
        List<NewJob> kids = new ArrayList<>();
        for (int i = 0; i < n; i++) kids.add(TestJobs.at(T0).type("child").parent(parent).build());
        store.spawn(parent.lease(), kids, InsertOptions.NONE, false);
        List<Job> claimed = claim("w", n, now);
        assertThat(claimed).hasSize(n);
        return claimed;
    }

    @Test
    void aSavedResultIsAppendedWithItsOwnIdAndBecomesTheMainResult() {
        insert(TestJobs.at(T0).type("a"));
        Job j = claimOne("w", T0);
        long first = save(j, "{\"n\":1}", "page one", "https://example.test/1", null, at(1));
        long second = save(j, "{\"n\":2}", null, null, null, at(2));
        assertThat(second).isGreaterThan(first);
        assertThat(get(j.id()).result()).isEqualTo(Json.parse("{\"n\":2}"));

        List<SavedResult> all = store.savedResults(tree(j), null, 10).items();
        assertThat(all).extracting(SavedResult::id).containsExactly(second, first);
        SavedResult one = all.get(1);
        assertThat(one.jobId()).isEqualTo(j.id());
        assertThat(one.type()).isEqualTo("a");
        assertThat(one.status()).isEqualTo(RUNNING);
        assertThat(one.title()).isEqualTo("page one");
        assertThat(one.reference()).isEqualTo("https://example.test/1");
        assertThat(one.data()).isEqualTo(Json.parse("{\"n\":1}"));
        assertThat(one.createdAt()).isEqualTo(at(1));
        assertThat(one.expiresAt()).as("no TTL anywhere: it never expires").isNull();
        assertThat(all.get(0).title()).isNull();

        store.complete(List.of(new Completion(j.lease(), null, at(3))));
        assertThat(get(j.id()).result()).as("completing without a value keeps the last saved one").isEqualTo(Json.parse("{\"n\":2}"));
        assertThat(store.savedResults(tree(j), null, 10).items()).allMatch(r -> r.status() == COMPLETED);
        assertThat(store.countSavedResults(tree(j))).isEqualTo(2);
    }

    @Test
    void aResultCannotBeSavedWithoutTheLease() {
        insert(TestJobs.at(T0).type("a"));
        Job j = claimOne("w", T0);
        assertThat(store.handBack(j.lease(), "shutdown", at(1))).isTrue();
        assertThat(store.appendResult(j.lease(), Json.parse("1"), "t", null, null, at(2))).isEmpty();
        Job again = claimOne("w2", at(3));
        assertThat(store.appendResult(j.lease(), Json.parse("1"), "t", null, null, at(4))).as("an old lease of a re-claimed job").isEmpty();
        assertThat(store.countSavedResults(tree(again))).isZero();
        assertThat(get(j.id()).result()).isNull();
        save(again, "2", "t", null, null, at(5));
        assertThat(store.countSavedResults(tree(again))).isEqualTo(1);
    }

    @Test
    void resultsArePagedNewestFirstOverATreeAScopeOrAJobAndItsChildren() {
        insert(TestJobs.at(T0).type("parent"));
        Job p = claimOne("w", T0);
        List<Job> kids = spawnAndClaim(p, 2, at(1));
        save(p, "0", "parent", null, null, at(2));
        for (Job k : kids) {
            save(k, "1", "a", null, null, at(3));
            save(k, "2", "b", null, null, at(4));
        }
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<SavedResult> page = store.savedResults(tree(p), cursor, 2);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(2).isNotEmpty();
            page.items().forEach(r -> seen.add(r.id()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(5).doesNotHaveDuplicates().isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(store.countSavedResults(tree(p))).isEqualTo(5);

        ResultScope oneChild = new ResultScope(ResultScope.Kind.CHILDREN, kids.get(0).id());
        assertThat(store.savedResults(oneChild, null, 10).items()).hasSize(2).allMatch(r -> r.jobId().equals(kids.get(0).id()));
        assertThat(store.countSavedResults(oneChild)).isEqualTo(2);
        assertThat(store.countSavedResults(new ResultScope(ResultScope.Kind.CHILDREN, p.id()))).as("the parent and its children").isEqualTo(5);
        assertThat(store.countSavedResults(new ResultScope(ResultScope.Kind.TREE, UUID.randomUUID()))).isZero();
        assertThat(store.savedResults(new ResultScope(ResultScope.Kind.CHILDREN, UUID.randomUUID()), null, 10).items()).isEmpty();
        assertThatThrownBy(() -> store.savedResults(tree(p), "not-a-cursor", 2)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aScopesResultsAreThoseOfTheJobsInIt() {
        NewJob n = TestJobs.at(T0).type("parent").build();
        insert(new NewJob(n.id(), n.type(), n.queue(), n.priority(), n.payload(), n.status(), n.maxAttempts(), n.runAt(), n.timeout(),
                n.parentId(), n.rootId(), n.definitionId(), n.step(), n.depth(), n.resultTtl(), n.uniqueKey(), n.cacheKey(), n.tags(),
                n.backoffBase(), n.backoffCap(), n.createdAt(), n.id(), null, new ChildPolicy(null, null, null, null), null, null, null, null));
        Job scope = claimOne("w", T0);
        NewJob k = TestJobs.at(T0).type("child").parent(scope).build();
        store.spawn(scope.lease(), List.of(new NewJob(k.id(), k.type(), k.queue(), k.priority(), k.payload(), k.status(), k.maxAttempts(),
                k.runAt(), k.timeout(), k.parentId(), k.rootId(), k.definitionId(), k.step(), k.depth(), k.resultTtl(), k.uniqueKey(),
                k.cacheKey(), k.tags(), k.backoffBase(), k.backoffCap(), k.createdAt(), scope.id(), null, null, null, null, null, null)),
                InsertOptions.NONE, false);
        Job child = claimOne("w", at(1));
        save(child, "1", "in scope", null, null, at(2));
        save(scope, "2", "the scope job", null, null, at(3));
        ResultScope s = new ResultScope(ResultScope.Kind.SCOPE, scope.id());
        assertThat(store.savedResults(s, null, 10).items()).extracting(SavedResult::title).containsExactly("the scope job", "in scope");
        assertThat(store.countSavedResults(s)).isEqualTo(2);
    }

    @Test
    void savedResultsExpireByTheirOwnTtlOrTheJobsInBoundedBatches() {
        insert(TestJobs.at(T0).type("a").resultTtl(Duration.ofSeconds(10)));
        Job ttl = claimOne("w", T0);
        long byJob = save(ttl, "1", null, null, null, at(1));
        long own = save(ttl, "2", null, null, at(5), at(2));
        insert(TestJobs.at(T0).type("b"));
        Job none = claimOne("w", T0);
        save(none, "3", null, null, null, at(1));
        Map<Long, Instant> expiry = new java.util.HashMap<>();
        store.savedResults(tree(ttl), null, 10).items().forEach(r -> expiry.put(r.id(), r.expiresAt()));
        assertThat(expiry).containsEntry(byJob, at(11)).containsEntry(own, at(5));

        assertThat(store.deleteExpiredResults(at(4), 100)).isZero();
        assertThat(store.deleteExpiredResults(at(5), 100)).isEqualTo(1);
        assertThat(store.savedResults(tree(ttl), null, 10).items()).extracting(SavedResult::id).containsExactly(byJob);
        assertThat(store.deleteExpiredResults(at(11), 100)).isEqualTo(1);
        assertThat(store.countSavedResults(tree(ttl))).isZero();
        assertThat(store.countSavedResults(tree(none))).as("no TTL: kept").isEqualTo(1);

        for (int i = 0; i < 3; i++) save(none, "4", null, null, at(20 + i), at(12));
        assertThat(store.deleteExpiredResults(at(30), 2)).isEqualTo(2);
        assertThat(store.deleteExpiredResults(at(30), 2)).isEqualTo(1);
        assertThat(store.countSavedResults(tree(none))).isEqualTo(1);
    }

    @Test
    void pruningOrDeletingAJobDeletesItsResults() {
        insert(TestJobs.at(T0).type("a"));
        Job pruned = claimOne("w", T0);
        save(pruned, "1", null, null, at(50), at(1));
        insert(TestJobs.at(T0).type("b"));
        Job deleted = claimOne("w", T0);
        save(deleted, "2", null, null, null, at(1));
        store.complete(List.of(new Completion(pruned.lease(), null, at(2)), new Completion(deleted.lease(), null, at(2))));

        assertThat(store.prune(at(3), 100)).isEqualTo(2);
        assertThat(store.countSavedResults(tree(pruned))).isZero();
        assertThat(store.countSavedResults(tree(deleted))).isZero();
        // the rows are gone, not just unreachable through their job: nothing is left for the expiry to find either
        assertThat(store.deleteExpiredResults(at(100), 100)).isZero();

        insert(TestJobs.at(T0).type("a"));
        Job kept = claimOne("w", at(4));
        save(kept, "3", null, null, null, at(5));
        store.complete(List.of(new Completion(kept.lease(), null, at(6))));
        store.delete(kept.id());
        assertThat(store.countSavedResults(tree(kept))).isZero();
    }

    // ---- parents that continue after their children ---------------------------------------------

    /** A parent that spawned one child, asked to continue and returned: waiting, its child completed. */
    private Job waitingParentWithDoneChild(int seconds) {
        insert(TestJobs.at(T0).type("parent"));
        Job p = claimOne("w", at(seconds));
        Job child = spawnAndClaim(p, 1, at(seconds)).get(0);
        assertThat(store.mergeMeta(p.lease(), Json.MAPPER.createObjectNode().put("continue_after_children", true), at(seconds))).isTrue();
        assertThat(store.complete(List.of(new Completion(p.lease(), null, at(seconds))))).containsEntry(p.id(), WAITING);
        store.complete(List.of(new Completion(child.lease(), Json.parse("7"), at(seconds + 1))));
        return get(p.id());
    }

    @Test
    void aWaitingParentGoesBackToPendingOnceAsItsNextContinuation() {
        Job p = waitingParentWithDoneChild(1);
        assertThat(p.meta().path("continue_after_children").asBoolean()).isTrue();
        assertThatThrownBy(() -> store.finishWaiting(p.id(), PENDING, null, null, at(5)))
                .as("pending is no end: only resumeWaiting goes there").isInstanceOf(io.ordo.core.model.IllegalTransitionException.class);
        assertThat(store.resumeWaiting(p.id(), 1, at(5))).isTrue();
        assertThat(store.resumeWaiting(p.id(), 1, at(6))).as("already resumed").isFalse();

        Job resumed = get(p.id());
        assertThat(resumed.status()).isEqualTo(PENDING);
        assertThat(resumed.meta().path("continuation").asInt()).isEqualTo(1);
        assertThat(resumed.meta().path("continue_after_children").asBoolean()).isFalse();
        assertThat(resumed.maxAttempts()).as("a continuation is not a retry").isEqualTo(p.maxAttempts() + 1);
        assertThat(resumed.finishedAt()).isNull();
        assertThat(store.childCounts(p.id())).containsEntry(COMPLETED, 1L);

        Job again = claimOne("w2", at(7));
        assertThat(again.id()).isEqualTo(p.id());
        assertThat(again.attempt()).isEqualTo(2);
        JsonNode sum = Json.parse("7");
        assertThat(store.complete(List.of(new Completion(again.lease(), sum, at(8)))))
                .as("it still has its (done) children: it waits for the monitor to finish it").containsEntry(p.id(), WAITING);
        assertThat(store.finishWaiting(p.id(), COMPLETED, null, null, at(9))).isTrue();
        assertThat(store.resumeWaiting(p.id(), 2, at(10))).as("not waiting").isFalse();
        assertThat(store.resumeWaiting(UUID.randomUUID(), 1, at(10))).isFalse();
    }

    @Test
    void twoNodesResumingTheSameParentResumeItOnce() throws Exception {
        List<Job> parents = new ArrayList<>();
        for (int i = 0; i < 10; i++) parents.add(waitingParentWithDoneChild(1));
        for (Job p : parents) {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Boolean>> nodes = new ArrayList<>();
            for (int n = 0; n < 2; n++) {
                nodes.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return store.resumeWaiting(p.id(), 1, at(5));
                }));
            }
            go.countDown();
            long won = 0;
            for (CompletableFuture<Boolean> f : nodes) if (f.get(10, TimeUnit.SECONDS)) won++;
            assertThat(won).as("parent %s", p.id()).isEqualTo(1);
            assertThat(get(p.id()).maxAttempts()).isEqualTo(p.maxAttempts() + 1);
        }
        assertThat(claim("w3", 100, at(6))).hasSize(10);
    }
}
