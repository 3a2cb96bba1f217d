package io.ordo.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.QueueFullException;
import io.ordo.core.SpawnLimitException;
import io.ordo.core.definition.StoredDefinition;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.Completion;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store's part in trees of jobs: parents that wait for their children, counters by parent,
 * scope and tree, dedup keys, scope limits on spawning, jobs recorded in a final state, step
 * caching, meta, and job definitions with their schedule ticks.
 */
public abstract class JobStoreTreeContract extends JobStoreContractBase {

    /** A running parent of type "parent" (a scope when {@code policy} is given). */
    private Job runningParent(ChildPolicy policy) {
        NewJob n = TestJobs.at(T0).type("parent").build();
        if (policy != null) n = scope(n, policy);
        insert(n);
        return claimOne("w", T0);
    }

    private static NewJob scope(NewJob n, ChildPolicy policy) {
        return new NewJob(n.id(), n.type(), n.queue(), n.priority(), n.payload(), n.status(), n.maxAttempts(), n.runAt(), n.timeout(),
                n.parentId(), n.rootId(), n.definitionId(), n.step(), n.depth(), n.resultTtl(), n.uniqueKey(), n.cacheKey(), n.tags(),
                n.backoffBase(), n.backoffCap(), n.createdAt(), n.id(), null, policy, null, null, null, null);
    }

    /** A child of {@code parent} in the parent's scope, with an optional dedup key. */
    private static NewJob child(Job parent, String dedupKey) {
        NewJob n = TestJobs.at(T0).type("child").parent(parent).build();
        return new NewJob(n.id(), n.type(), n.queue(), n.priority(), n.payload(), n.status(), n.maxAttempts(), n.runAt(), n.timeout(),
                n.parentId(), n.rootId(), n.definitionId(), n.step(), n.depth(), n.resultTtl(), n.uniqueKey(), n.cacheKey(), n.tags(),
                n.backoffBase(), n.backoffCap(), n.createdAt(), parent.scopeId(), dedupKey, null, null, null, null, null);
    }

    private List<SubmitResult> spawn(Job parent, List<NewJob> kids, boolean truncate) {
        return store.spawn(parent.lease(), kids, InsertOptions.NONE, truncate);
    }

    private void completeAll(List<Job> jobs) {
        store.complete(jobs.stream().map(j -> new Completion(j.lease(), null, at(5))).toList());
    }

    @Test
    void aParentWithLiveChildrenWaitsAndIsFinishedOnce() {
        Job p = runningParent(null);
        spawn(p, List.of(child(p, null), child(p, null)), false);
        assertThat(store.childCounts(p.id())).containsExactly(Map.entry(PENDING, 2L));
        Map<UUID, JobStatus> r = store.complete(List.of(new Completion(p.lease(), Json.parse("{\"spawned\":2}"), at(1))));
        assertThat(r).containsExactly(Map.entry(p.id(), WAITING));
        Job waiting = get(p.id());
        assertThat(waiting.status()).isEqualTo(WAITING);
        assertThat(waiting.finishedAt()).isNull();
        assertThat(waiting.result()).isEqualTo(Json.parse("{\"spawned\":2}"));
        List<Job> kids = claim("w", 10, at(2));
        assertThat(kids).hasSize(2);
        completeAll(kids);
        assertThat(store.childCounts(p.id())).containsExactly(Map.entry(COMPLETED, 2L));
        assertThat(get(p.id()).status()).as("the store never finishes a parent by itself").isEqualTo(WAITING);
        ObjectNode meta = Json.MAPPER.createObjectNode().put("warning", "careful");
        assertThat(store.finishWaiting(p.id(), COMPLETED, null, meta, at(6))).isTrue();
        assertThat(store.finishWaiting(p.id(), FAILED, "late", null, at(7))).isFalse();
        Job done = get(p.id());
        assertThat(done.status()).isEqualTo(COMPLETED);
        assertThat(done.finishedAt()).isEqualTo(at(6));
        assertThat(done.warning()).isEqualTo("careful");
        assertThat(store.finishWaiting(UUID.randomUUID(), COMPLETED, null, null, at(7))).isFalse();
    }

    @Test
    void aParentWaitsEvenWhenItsChildrenAreAllDoneSoThatItsPolicyDecides() {
        Job p = runningParent(null);
        spawn(p, List.of(child(p, null)), false);
        completeAll(claim("w", 10, at(1)));
        assertThat(store.complete(List.of(new Completion(p.lease(), null, at(2))))).containsExactly(Map.entry(p.id(), WAITING));
        insert(TestJobs.at(T0));
        Job childless = claimOne("w", at(3));
        assertThat(store.complete(List.of(new Completion(childless.lease(), null, at(4))))).containsExactly(Map.entry(childless.id(), COMPLETED));
    }

    @Test
    void finishingAWaitingParentAsFailedKeepsTheError() {
        Job p = runningParent(null);
        spawn(p, List.of(child(p, null)), false);
        store.complete(List.of(new Completion(p.lease(), null, at(1))));
        assertThat(store.finishWaiting(p.id(), FAILED, "1 of 1 children failed", null, at(3))).isTrue();
        assertThat(get(p.id()).error()).isEqualTo("1 of 1 children failed");
        assertThat(get(p.id()).status()).isEqualTo(FAILED);
    }

    @Test
    void cancellingAWaitingParentCancelsItAndItsChildren() {
        Job p = runningParent(null);
        NewJob c = child(p, null);
        spawn(p, List.of(c), false);
        store.complete(List.of(new Completion(p.lease(), null, at(1))));
        var r = store.cancel(p.id(), at(2));
        assertThat(r.cancelled()).containsExactlyInAnyOrder(p.id(), c.id());
        assertThat(get(p.id()).status()).isEqualTo(CANCELLED);
    }

    @Test
    void countersByParentScopeAndTree() {
        Job scope = runningParent(ChildPolicy.limits(null, null));
        assertThat(scope.scopeId()).isEqualTo(scope.id());
        NewJob a = child(scope, null);
        NewJob b = child(scope, null);
        spawn(scope, List.of(a, b), false);
        Job ra = claimOne("w2", at(1));
        Job rb = claimOne("w2", at(1));
        NewJob grandchild = child(ra, null);
        spawn(ra, List.of(grandchild), false);
        store.fail(new io.ordo.core.store.Failure(rb.lease(), err(rb, "x"), FAILED, null, at(2)));
        assertThat(store.childCounts(scope.id())).containsOnly(Map.entry(RUNNING, 1L), Map.entry(FAILED, 1L));
        assertThat(store.childCounts(ra.id())).containsOnly(Map.entry(PENDING, 1L));
        assertThat(store.scopeCounts(scope.id())).containsOnly(Map.entry(RUNNING, 1L), Map.entry(FAILED, 1L), Map.entry(PENDING, 1L));
        assertThat(store.treeCounts(scope.id())).containsOnly(Map.entry(RUNNING, 1L), Map.entry(FAILED, 1L), Map.entry(PENDING, 1L));
        assertThat(store.childCounts(UUID.randomUUID())).isEmpty();
        assertThat(get(grandchild.id()).scopeId()).isEqualTo(scope.id());
        assertThat(store.list(JobFilter.ALL.withScope(scope.id()), null, 10).items()).hasSize(4);
    }

    @Test
    void aDedupKeyIsUsedOncePerTreeWhateverTheState() {
        Job p = runningParent(null);
        SubmitResult first = spawn(p, List.of(child(p, "https://x/a")), false).get(0);
        assertThat(first.created()).isTrue();
        completeAll(claim("w", 10, at(1)));
        List<SubmitResult> again = spawn(p, List.of(child(p, "https://x/a"), child(p, "https://x/b"), child(p, "https://x/b")), false);
        assertThat(again.get(0).created()).isFalse();
        assertThat(again.get(0).job().id()).isEqualTo(first.job().id());
        assertThat(again.get(0).job().status()).isEqualTo(COMPLETED);
        assertThat(again.get(1).created()).isTrue();
        assertThat(again.get(2).created()).isFalse();
        assertThat(again.get(2).job().id()).isEqualTo(again.get(1).job().id());
        // another tree may use the same key
        insert(TestJobs.at(T0).type("parent").priority(-1));
        Job other = claimOne("w", at(2));
        assertThat(other.parentId()).isNull();
        assertThat(spawn(other, List.of(child(other, "https://x/a")), false).get(0).created()).isTrue();
    }

    @Test
    void scopeLimitsAreCheckedAndCountedAtomically() {
        Job scope = runningParent(ChildPolicy.limits(3, 1));
        assertThat(spawn(scope, List.of(child(scope, "1"), child(scope, "2")), false)).allMatch(SubmitResult::created);
        assertThatThrownBy(() -> spawn(scope, List.of(child(scope, "3"), child(scope, "4")), false))
                .isInstanceOf(SpawnLimitException.class).hasMessageContaining("at most 3");
        assertThat(store.childCounts(scope.id()).get(PENDING)).as("nothing of a refused spawn").isEqualTo(2L);
        // a dedup hit costs nothing; truncation keeps what fits, in order
        List<SubmitResult> some = spawn(scope, List.of(child(scope, "1"), child(scope, "3"), child(scope, "4")), true);
        assertThat(some).extracting(SubmitResult::created).containsExactly(false, true);
        assertThat(get(scope.id()).spawned()).isEqualTo(3);
        // depth: children of children are 2 below the scope; max_depth 1 refuses them
        Job kid = claimOne("w2", at(1));
        assertThatThrownBy(() -> spawn(kid, List.of(child(kid, "deep")), false)).isInstanceOf(SpawnLimitException.class)
                .hasMessageContaining("levels below");
        assertThat(spawn(kid, List.of(child(kid, "deep")), true)).isEmpty();
    }

    @Test
    void jobsCanBeRecordedWaitingSkippedOrCompleted() {
        NewJob run = TestJobs.at(T0).type("run").build().withStatus(WAITING, null, null, null);
        insert(run);
        Job w = get(run.id());
        assertThat(w.status()).isEqualTo(WAITING);
        assertThat(w.startedAt()).isEqualTo(T0);
        NewJob skipped = TestJobs.at(T0).type("step").build().withStatus(SKIPPED, null, "dependency crawl failed", null);
        NewJob cached = TestJobs.at(T0).type("step").resultTtl(Duration.ofMinutes(1)).build()
                .withStatus(COMPLETED, Json.parse("{\"pages\":3}"), null, Json.MAPPER.createObjectNode().put("cached_from", "x"));
        store.insert(List.of(skipped, cached), InsertOptions.NONE);
        Job s = get(skipped.id());
        assertThat(s.status()).isEqualTo(SKIPPED);
        assertThat(s.error()).isEqualTo("dependency crawl failed");
        assertThat(s.finishedAt()).isEqualTo(T0);
        Job c = get(cached.id());
        assertThat(c.status()).isEqualTo(COMPLETED);
        assertThat(c.result()).isEqualTo(Json.parse("{\"pages\":3}"));
        assertThat(c.resultExpiresAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(c.meta().get("cached_from").asText()).isEqualTo("x");
        assertThat(store.counts().get("default")).containsEntry(WAITING, 1L).containsEntry(SKIPPED, 1L).containsEntry(COMPLETED, 1L);
        assertThat(claim("w", 10, at(1))).isEmpty();
    }

    @Test
    void findCachedReturnsTheNewestLiveResultAndChildrenAreNotAnsweredFromTheCache() {
        for (int i = 0; i < 2; i++) insert(TestJobs.at(T0).cacheKey("step:crawl", Duration.ofSeconds(60)).payload("i", i));
        List<Job> two = claim("w", 2, T0);
        store.complete(List.of(new Completion(two.get(0).lease(), Json.parse("1"), at(1))));
        store.complete(List.of(new Completion(two.get(1).lease(), Json.parse("2"), at(2))));
        assertThat(store.findCached("step:crawl", at(30)).orElseThrow().id()).isEqualTo(two.get(1).id());
        assertThat(store.findCached("step:crawl", at(62))).isEmpty();
        assertThat(store.findCached("other", at(30))).isEmpty();
        Job p = runningParent(null);
        NewJob kid = TestJobs.at(at(3)).parent(p).cacheKey("step:crawl", Duration.ofSeconds(60)).build();
        assertThat(spawn(p, List.of(kid), false).get(0).created()).isTrue();
    }

    @Test
    void progressOfAParentAndMetaOfARunningJob() {
        Job p = runningParent(null);
        spawn(p, List.of(child(p, null)), false);
        store.complete(List.of(new Completion(p.lease(), null, at(1))));
        assertThat(store.setProgress(p.id(), 0, 1, "1 pending, 0 running, 0 completed, 0 failed", at(2))).isTrue();
        assertThat(get(p.id()).progressText()).startsWith("1 pending");
        insert(TestJobs.at(T0));
        Job r = claimOne("w", at(3));
        assertThat(store.mergeMeta(r.lease(), Json.parse("{\"cached_from\":\"abc\"}"), at(3))).isTrue();
        assertThat(store.mergeMeta(r.lease(), Json.parse("{\"other\":1}"), at(3))).isTrue();
        assertThat(get(r.id()).meta()).isEqualTo(Json.parse("{\"cached_from\":\"abc\",\"other\":1}"));
        store.complete(List.of(new Completion(r.lease(), null, at(4))));
        assertThat(store.mergeMeta(r.lease(), Json.parse("{\"x\":1}"), at(5))).isFalse();
        assertThat(store.setProgress(r.id(), 1, 1, "done", at(5))).as("terminal").isFalse();
    }

    // ---- definitions and ticks --------------------------------------------------------------------

    private static StoredDefinition def(String id, String name) {
        return new StoredDefinition(id, name, "yaml", "id: " + id + "\nname: " + name + "\nsteps: []\n",
                Json.parse("{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"steps\":[{\"name\":\"a\",\"action\":\"noop\"}]}"),
                true, "0 3 * * *", 0, null, null);
    }

    @Test
    void definitionsAreStoredVersionedAndDeleted() {
        StoredDefinition v1 = store.saveDefinition(def("site-docs", "Docs"), T0);
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v1.createdAt()).isEqualTo(T0);
        StoredDefinition v2 = store.saveDefinition(def("site-docs", "Docs v2"), at(10));
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.createdAt()).isEqualTo(T0);
        assertThat(v2.updatedAt()).isEqualTo(at(10));
        store.saveDefinition(def("another", "A"), at(11));
        StoredDefinition got = store.getDefinition("site-docs").orElseThrow();
        assertThat(got.name()).isEqualTo("Docs v2");
        assertThat(got.source()).isEqualTo("id: site-docs\nname: Docs v2\nsteps: []\n");
        assertThat(got.spec().get("steps").get(0).get("action").asText()).isEqualTo("noop");
        assertThat(got.schedule()).isEqualTo("0 3 * * *");
        assertThat(got.enabled()).isTrue();
        assertThat(store.listDefinitions()).extracting(StoredDefinition::id).containsExactly("another", "site-docs");
        assertThat(store.deleteDefinition("another")).isTrue();
        assertThat(store.deleteDefinition("another")).isFalse();
        assertThat(store.getDefinition("another")).isEmpty();
    }

    @Test
    void aScheduleTickStartsAtMostOneRun() {
        NewJob run1 = TestJobs.at(T0).type("run").build();
        assertThat(store.insertForTick("nightly", at(60), List.of(run1), InsertOptions.NONE)).hasSize(1);
        assertThat(store.insertForTick("nightly", at(60), List.of(TestJobs.at(T0).type("run").build()), InsertOptions.NONE)).isEmpty();
        assertThat(store.insertForTick("nightly", at(120), List.of(TestJobs.at(T0).type("run").build()), InsertOptions.NONE)).hasSize(1);
        assertThat(store.insertForTick("other", at(60), List.of(TestJobs.at(T0).type("run").build()), InsertOptions.NONE)).hasSize(1);
        assertThat(store.lastTick("nightly")).contains(at(120));
        assertThat(store.lastTick("never")).isEmpty();
        assertThat(store.list(JobFilter.ALL.withType("run"), null, 10).items()).hasSize(3);
        // all or nothing: a refused insert does not use up the tick
        InsertOptions full = new InsertOptions(Map.of("tiny", 1));
        insert(TestJobs.at(T0).queue("tiny"));
        assertThatThrownBy(() -> store.insertForTick("nightly", at(180), List.of(TestJobs.at(T0).queue("tiny").build()), full))
                .isInstanceOf(QueueFullException.class);
        assertThat(store.insertForTick("nightly", at(180), List.of(TestJobs.at(T0).build()), InsertOptions.NONE)).hasSize(1);
    }
}
