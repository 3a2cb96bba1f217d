package io.ordo.testkit;

import io.ordo.core.ConflictException;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.LeaseLostException;
import io.ordo.core.QueueFullException;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.FailureGroup;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.LogLevel;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.Page;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.Failure;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;
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

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** The store's reads and upkeep: keyset listing, filters, counters, logs, progress, pruning, result expiry. */
public abstract class JobStoreReadContract extends JobStoreContractBase {

    // ---- listing, counters, logs, progress ------------------------------------------------------------

    @Test
    void keysetPagingIsNewestFirstWithoutOverlap() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) ids.add(insert(TestJobs.at(T0).type(i % 2 == 0 ? "a" : "b")).id());
        List<UUID> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Job> p = store.list(JobFilter.ALL, cursor, 10);
            p.items().forEach(j -> seen.add(j.id()));
            cursor = p.nextCursor();
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(ids.reversed());
        Page<Job> onlyB = store.list(JobFilter.ALL.withType("b"), null, 100);
        assertThat(onlyB.items()).hasSize(12).allMatch(j -> j.type().equals("b"));
        assertThat(onlyB.nextCursor()).isNull();
        Page<Job> exact = store.list(JobFilter.ALL, null, 25);
        assertThat(exact.items()).hasSize(25);
        assertThatThrownBy(() -> store.list(JobFilter.ALL, "not-a-cursor!", 10)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void listFiltersByStatusQueueParentAndRoot() {
        Job p = insert(TestJobs.at(T0).type("parent").queue("q1"));
        Job pr = store.claim(new ClaimRequest("q1", ALL_TYPES, 1, "w", LEASE, T0)).get(0);
        store.spawn(pr.lease(), List.of(TestJobs.at(T0).parent(pr).build(), TestJobs.at(T0).parent(pr).build()), InsertOptions.NONE, false);
        insert(TestJobs.at(T0));
        assertThat(store.list(JobFilter.ALL.withParent(p.id()), null, 10).items()).hasSize(2);
        assertThat(store.list(JobFilter.ALL.withRoot(p.id()), null, 10).items()).hasSize(3);
        assertThat(store.list(JobFilter.status(RUNNING), null, 10).items()).extracting(Job::id).containsExactly(p.id());
        assertThat(store.list(JobFilter.status(PENDING).withQueue("default"), null, 10).items()).hasSize(3);
        assertThat(store.list(JobFilter.ALL.withQueue("q1"), null, 10).items()).hasSize(1);
        assertThat(store.list(new JobFilter(Set.of(PENDING, RUNNING), null, null, null, null), null, 10).items()).hasSize(4);
    }

    @Test
    void queueAndTypeFiltersFindWhatMatchesAndNothingElse() {
        Job a = insert(TestJobs.at(T0).type("a").queue("q"));
        Job b = insert(TestJobs.at(T0).type("b").queue("r"));
        assertThat(ids(JobFilter.ALL.withType("none"))).isEmpty();
        assertThat(ids(JobFilter.ALL.withQueue("none"))).isEmpty();
        assertThat(ids(JobFilter.status(PENDING).withType("a"))).containsExactly(a.id());
        assertThat(ids(JobFilter.status(PENDING).withQueue("q"))).containsExactly(a.id());
        assertThat(ids(JobFilter.status(FAILED, RUNNING).withType("a"))).isEmpty();
        assertThat(ids(JobFilter.ALL.withQueue("q").withType("b"))).as("both exist, never together").isEmpty();
        assertThat(ids(JobFilter.ALL.withQueue("r").withType("b"))).containsExactly(b.id());

        Job running = claimFrom("q", T0);
        assertThat(ids(JobFilter.status(PENDING).withType("a"))).isEmpty();
        assertThat(ids(JobFilter.status(RUNNING).withType("a").withQueue("q"))).containsExactly(a.id());
        store.fail(new Failure(running.lease(), err(running, "x"), FAILED, null, at(1)));
        assertThat(ids(JobFilter.status(FAILED).withType("a"))).containsExactly(a.id());
        store.delete(a.id());
        assertThat(ids(JobFilter.ALL.withType("a"))).isEmpty();
        assertThat(ids(JobFilter.ALL.withQueue("q"))).isEmpty();
        assertThat(ids(JobFilter.ALL.withType("b"))).containsExactly(b.id());
    }

    @Test
    void aRootFilterPagesThroughTheRootAndEveryJobBelowIt() {
        Job root = insert(TestJobs.at(T0).type("parent"));
        List<UUID> tree = new ArrayList<>(List.of(root.id()));
        insert(TestJobs.at(T0).type("a"));
        for (int i = 0; i < 3; i++) {
            Job child = insert(TestJobs.at(T0).type("child").parent(root));
            tree.add(child.id());
            insert(TestJobs.at(T0).type("b")); // other jobs in between
            tree.add(insert(TestJobs.at(T0).type("child").parent(child)).id());
        }
        Job otherRoot = insert(TestJobs.at(T0).type("parent"));
        insert(TestJobs.at(T0).type("child").parent(otherRoot));
        for (int limit : List.of(1, 2, 3, 6, 7, 100)) {
            List<UUID> seen = new ArrayList<>();
            String cursor = null;
            do {
                Page<Job> p = store.list(JobFilter.ALL.withRoot(root.id()), cursor, limit);
                assertThat(p.items()).hasSizeLessThanOrEqualTo(limit);
                p.items().forEach(j -> seen.add(j.id()));
                cursor = p.nextCursor();
            } while (cursor != null);
            assertThat(seen).as("limit %d", limit).containsExactlyElementsOf(tree.reversed());
        }
        assertThat(ids(JobFilter.ALL.withRoot(root.id()).withType("parent"))).containsExactly(root.id());
        assertThat(ids(JobFilter.ALL.withRoot(root.id()).withType("child"))).hasSize(6).doesNotContain(root.id());
        assertThat(ids(JobFilter.ALL.withRoot(tree.get(1)))).as("a job that is no root").isEmpty();
    }

    @Test
    void countersFollowEveryTransition() {
        for (int i = 0; i < 6; i++) insert(TestJobs.at(T0));
        insert(TestJobs.at(T0).runAt(at(100)));
        insert(TestJobs.at(T0).queue("other"));
        List<Job> c = claim("w", 4, T0);
        store.complete(List.of(new Completion(c.get(0).lease(), null, at(1))));
        store.fail(new Failure(c.get(1).lease(), err(c.get(1), "x"), FAILED, null, at(1)));
        store.fail(new Failure(c.get(2).lease(), err(c.get(2), "x"), SCHEDULED, at(50), at(1)));
        store.cancel(claim("w", 1, at(1)).get(0).id(), at(2));
        Map<String, Map<JobStatus, Long>> counts = store.counts();
        assertThat(counts.get("default")).containsEntry(PENDING, 1L).containsEntry(RUNNING, 2L)
                .containsEntry(COMPLETED, 1L).containsEntry(FAILED, 1L).containsEntry(SCHEDULED, 2L);
        assertThat(counts.get("other")).containsEntry(PENDING, 1L);
        assertThat(counts.values().stream().flatMap(m -> m.values().stream()).mapToLong(Long::longValue).sum()).isEqualTo(8);
        store.prune(at(1000), 100);
        assertThat(counts(store.counts(), "default", COMPLETED)).isZero();
        assertThat(counts(store.counts(), "default", FAILED)).isZero();
    }

    private static long counts(Map<String, Map<JobStatus, Long>> c, String q, JobStatus s) {
        return c.getOrDefault(q, Map.of()).getOrDefault(s, 0L);
    }

    @Test
    void logsAreOrderedAndPagedBySequence() {
        insert(TestJobs.at(T0));
        Job j = claimOne("w", T0);
        for (int i = 0; i < 5; i++) assertThat(store.appendLog(j.lease(), i == 4 ? LogLevel.ERROR : LogLevel.INFO, "line " + i, at(i))).isTrue();
        var all = store.logs(j.id(), 0, 100);
        assertThat(all).extracting(l -> l.message()).containsExactly("line 0", "line 1", "line 2", "line 3", "line 4");
        assertThat(all.get(4).level()).isEqualTo(LogLevel.ERROR);
        assertThat(all.get(0).attempt()).isEqualTo(1);
        assertThat(all.get(2).at()).isEqualTo(at(2));
        var after = store.logs(j.id(), all.get(1).seq(), 2);
        assertThat(after).extracting(l -> l.message()).containsExactly("line 2", "line 3");
    }

    @Test
    void aLogIsReadFromItsTailAndPagedBackwardsOldestFirst() {
        insert(TestJobs.at(T0));
        insert(TestJobs.at(T0));
        Job j = claimOne("w", T0);
        Job other = claimOne("w", T0);
        for (int i = 0; i < 7; i++) {
            assertThat(store.appendLog(j.lease(), LogLevel.INFO, "line " + i, at(i))).isTrue();
            assertThat(store.appendLog(other.lease(), LogLevel.INFO, "other " + i, at(i))).isTrue();
        }
        var tail = store.logsBefore(j.id(), Long.MAX_VALUE, 3);
        assertThat(tail).extracting(l -> l.message()).containsExactly("line 4", "line 5", "line 6");
        var before = store.logsBefore(j.id(), tail.get(0).seq(), 3);
        assertThat(before).extracting(l -> l.message()).containsExactly("line 1", "line 2", "line 3");
        assertThat(store.logsBefore(j.id(), before.get(0).seq(), 3)).extracting(l -> l.message()).containsExactly("line 0");
        assertThat(store.logsBefore(j.id(), Long.MAX_VALUE, 100)).hasSize(7);
        assertThat(store.logsBefore(other.id(), 0, 10)).isEmpty();
    }

    @Test
    void progressIsStored() {
        insert(TestJobs.at(T0));
        Job j = claimOne("w", T0);
        assertThat(store.progress(j.lease(), 3, 10, "3 of 10 pages", at(1))).isTrue();
        Job p = get(j.id());
        assertThat(p.progressCurrent()).isEqualTo(3);
        assertThat(p.progressTotal()).isEqualTo(10);
        assertThat(p.progressText()).isEqualTo("3 of 10 pages");
    }

    // ---- definition runs, dead-letter groups, the error filter --------------------------------------

    @Test
    void definitionRunsAreTheDefinitionsRootRunsNewestFirstInKeysetPages() {
        List<UUID> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Job run = insert(TestJobs.at(T0).type(JobStore.RUN_TYPE).definition("site", null));
            runs.add(run.id());
            // a run's steps carry its definition id, and a step of type ordo.run is still no run
            insert(TestJobs.at(T0).type("step:crawl").definition("site", "crawl").parent(run));
            insert(TestJobs.at(T0).type(JobStore.RUN_TYPE).definition("site", "nested").parent(run));
            insert(TestJobs.at(T0).type(JobStore.RUN_TYPE).definition("other", null));
            insert(TestJobs.at(T0).type("ordo.webhook").definition("site", null));
        }
        insert(TestJobs.at(T0).type(JobStore.RUN_TYPE));

        List<UUID> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<Job> p = store.definitionRuns("site", cursor, 2);
            assertThat(p.items()).hasSizeLessThanOrEqualTo(2)
                    .allSatisfy(j -> assertThat(j.parentId()).isNull())
                    .allSatisfy(j -> assertThat(j.type()).isEqualTo(JobStore.RUN_TYPE))
                    .allSatisfy(j -> assertThat(j.definitionId()).isEqualTo("site"));
            p.items().forEach(j -> seen.add(j.id()));
            cursor = p.nextCursor();
            pages++;
        } while (cursor != null);
        assertThat(seen).as("every run once, newest first").containsExactlyElementsOf(runs.reversed());
        assertThat(pages).isEqualTo(3);
        assertThat(store.definitionRuns("site", null, 5).nextCursor()).as("an exact last page has no next").isNull();
        assertThat(store.definitionRuns("other", null, 10).items()).hasSize(5);
        assertThat(store.definitionRuns("never-ran", null, 10).items()).isEmpty();
    }

    @Test
    void failureGroupsGroupTheNewestFailedJobsByTypeAndError() {
        failed("a", "boom", at(1));
        done("a");
        failed("b", "boom", at(9));
        failed("a", "boom", at(3));
        failed("b", null, at(4));
        Job other = failed("a", "other", at(5));
        Job b2 = failed("b", "boom", at(2)); // finished before b1 though created after it
        Job n2 = failed("b", null, at(6));
        done("b");
        Job a3 = failed("a", "boom", at(7));

        List<FailureGroup> all = store.failureGroups(100, 10);
        assertThat(all).extracting(FailureGroup::type, FailureGroup::error, FailureGroup::count).containsExactly(
                tuple("a", "boom", 3L),      // biggest first
                tuple("b", "boom", 2L),      // ties: most recently failed first (b's 9 beats b-null's 6)
                tuple("b", null, 2L),        // no recorded error is a group of its own
                tuple("a", "other", 1L));
        assertThat(all.get(0)).isEqualTo(new FailureGroup("a", "boom", 3, at(1), at(7), a3.id()));
        assertThat(all.get(1)).isEqualTo(new FailureGroup("b", "boom", 2, at(2), at(9), b2.id()));
        assertThat(all.get(2)).isEqualTo(new FailureGroup("b", null, 2, at(4), at(6), n2.id()));
        assertThat(all.get(3)).isEqualTo(new FailureGroup("a", "other", 1, at(5), at(5), other.id()));

        assertThat(store.failureGroups(100, 2)).as("limit").containsExactlyElementsOf(all.subList(0, 2));
        // the newest 4 failed jobs by id: a3, n2, b2, other (completed jobs do not count)
        assertThat(store.failureGroups(4, 10)).containsExactly(
                new FailureGroup("a", "boom", 1, at(7), at(7), a3.id()),
                new FailureGroup("b", null, 1, at(6), at(6), n2.id()),
                new FailureGroup("a", "other", 1, at(5), at(5), other.id()),
                new FailureGroup("b", "boom", 1, at(2), at(2), b2.id()));
        assertThat(store.failureGroups(1, 10)).containsExactly(new FailureGroup("a", "boom", 1, at(7), at(7), a3.id()));
    }

    @Test
    void failureGroupsCountOnlyJobsThatAreFailedNow() {
        Job restarted = failed("a", "boom", at(1));
        failed("a", "boom", at(2));
        store.restart(restarted.id(), at(3));
        insert(TestJobs.at(T0).type("a").queue("retry"));
        Job retried = claimFrom("retry", at(4));
        store.fail(new Failure(retried.lease(), err(retried, "boom"), SCHEDULED, at(60), at(4)));
        assertThat(store.failureGroups(100, 10)).extracting(FailureGroup::count).containsExactly(1L);
        assertThat(store.failureGroups(100, 10).get(0).lastFailedAt()).isEqualTo(at(2));
    }

    @Test
    void theErrorFilterMatchesTheLastErrorExactlyAndCombinesWithStatusAndType() {
        Job a1 = failed("a", "boom", at(1));
        failed("a", "boom!", at(2));
        Job b1 = failed("b", "boom", at(3));
        failed("b", null, at(4));
        Job a2 = failed("a", "boom", at(5));
        insert(TestJobs.at(T0).type("a").queue("retry"));
        Job retried = claimFrom("retry", at(6));
        store.fail(new Failure(retried.lease(), err(retried, "boom"), SCHEDULED, at(60), at(6)));

        assertThat(ids(JobFilter.ALL.withError("boom"))).containsExactly(retried.id(), a2.id(), b1.id(), a1.id());
        assertThat(ids(JobFilter.status(FAILED).withError("boom"))).containsExactly(a2.id(), b1.id(), a1.id());
        assertThat(ids(JobFilter.status(FAILED).withType("a").withError("boom"))).containsExactly(a2.id(), a1.id());
        assertThat(ids(JobFilter.status(SCHEDULED).withError("boom"))).containsExactly(retried.id());
        assertThat(ids(JobFilter.status(PENDING).withError("boom"))).isEmpty();
        assertThat(ids(JobFilter.ALL.withError("BOOM"))).as("exact, case and all").isEmpty();
        Page<Job> first = store.list(JobFilter.status(FAILED).withError("boom"), null, 2);
        assertThat(first.items()).extracting(Job::id).containsExactly(a2.id(), b1.id());
        assertThat(store.list(JobFilter.status(FAILED).withError("boom"), first.nextCursor(), 2).items())
                .extracting(Job::id).containsExactly(a1.id());
    }

    /** A job of {@code type} in queue "dead" that failed for good at {@code when} with {@code error}. */
    private Job failed(String type, String error, Instant when) {
        insert(TestJobs.at(T0).type(type).queue("dead").maxAttempts(1));
        Job j = claimFrom("dead", when);
        AttemptError e = new AttemptError(j.attempt(), j.leaseOwner(), when, AttemptError.ERROR, error);
        assertThat(store.fail(new Failure(j.lease(), e, FAILED, null, when))).isTrue();
        return get(j.id());
    }

    private void done(String type) {
        insert(TestJobs.at(T0).type(type).queue("dead"));
        Job j = claimFrom("dead", T0);
        store.complete(List.of(new Completion(j.lease(), null, at(1))));
    }

    private Job claimFrom(String queue, Instant now) {
        List<Job> got = store.claim(new ClaimRequest(queue, ALL_TYPES, 1, "w", LEASE, now));
        assertThat(got).hasSize(1);
        return got.get(0);
    }

    private List<UUID> ids(JobFilter f) {
        return store.list(f, null, 100).items().stream().map(Job::id).toList();
    }

    // ---- retention ----------------------------------------------------------------------------------

    @Test
    void pruneDeletesOldTerminalJobsInBatches() {
        for (int i = 0; i < 5; i++) insert(TestJobs.at(T0));
        List<Job> c = claim("w", 5, T0);
        for (int i = 0; i < 4; i++) store.complete(List.of(new Completion(c.get(i).lease(), null, at(10 + i))));
        Job young = insert(TestJobs.at(at(500)));
        assertThat(store.prune(at(12), 100)).isEqualTo(2);
        assertThat(store.prune(at(100), 1)).isEqualTo(1);
        assertThat(store.prune(at(100), 100)).isEqualTo(1);
        assertThat(store.get(c.get(4).id())).as("running is never pruned").isPresent();
        assertThat(store.get(young.id())).isPresent();
        assertThat(store.list(JobFilter.ALL, null, 100).items()).hasSize(2);
    }

    @Test
    void expiredResultsAreCleared() {
        insert(TestJobs.at(T0).resultTtl(Duration.ofSeconds(5)));
        insert(TestJobs.at(T0));
        List<Job> c = claim("w", 2, T0);
        store.complete(List.of(new Completion(c.get(0).lease(), Json.parse("1"), at(1)), new Completion(c.get(1).lease(), Json.parse("2"), at(1))));
        assertThat(store.expireResults(at(5), 100)).isZero();
        assertThat(store.expireResults(at(6), 100)).isEqualTo(1);
        assertThat(get(c.get(0).id()).result()).isNull();
        assertThat(get(c.get(1).id()).result()).isEqualTo(Json.parse("2"));
    }
}
