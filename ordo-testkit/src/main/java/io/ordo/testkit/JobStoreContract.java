package io.ordo.testkit;

import io.ordo.core.ConflictException;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.LeaseLostException;
import io.ordo.core.QueueFullException;
import io.ordo.core.model.AttemptError;
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

/**
 * The store contract: basic life cycle, claiming, fencing, leases, retries, cancel, keys, capacity,
 * paging, counters and pruning. Races between workers are in {@link JobStoreConcurrencyContract}. Subclasses
 * return a store over an empty database from {@link #createStore()}.
 */
public abstract class JobStoreContract extends JobStoreContractBase {
    // ---- insert and read -----------------------------------------------------------------------

    @Test
    void insertedJobKeepsEveryField() {
        NewJob n = TestJobs.at(T0).type("a").queue("mail").priority(-5).payload("to", "x@y.z").payload("n", 3)
                .maxAttempts(7).timeout(Duration.ofSeconds(9)).tags("t1", "t2").uniqueKey("u-1")
                .definition("site-docs", "crawl").resultTtl(Duration.ofMinutes(5)).build();
        SubmitResult r = store.insert(List.of(n), InsertOptions.NONE).get(0);
        assertThat(r.created()).isTrue();
        Job j = get(n.id());
        assertThat(j.type()).isEqualTo("a");
        assertThat(j.queue()).isEqualTo("mail");
        assertThat(j.priority()).isEqualTo(-5);
        assertThat(j.payload()).isEqualTo(Json.parse("{\"to\":\"x@y.z\",\"n\":3}"));
        assertThat(j.status()).isEqualTo(PENDING);
        assertThat(j.attempt()).isZero();
        assertThat(j.maxAttempts()).isEqualTo(7);
        assertThat(j.timeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(j.tags()).containsExactly("t1", "t2");
        assertThat(j.uniqueKey()).isEqualTo("u-1");
        assertThat(j.definitionId()).isEqualTo("site-docs");
        assertThat(j.step()).isEqualTo("crawl");
        assertThat(j.resultTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(j.rootId()).isEqualTo(j.id());
        assertThat(j.parentId()).isNull();
        assertThat(j.depth()).isZero();
        assertThat(j.createdAt()).isEqualTo(T0);
        assertThat(j.runAt()).isEqualTo(T0);
        assertThat(j.errors()).isEmpty();
        assertThat(store.get(UUID.randomUUID())).isEmpty();
    }

    @Test
    void scheduledJobsWaitForTheirTime() {
        Job later = insert(TestJobs.at(T0).runAt(at(60)));
        Job sooner = insert(TestJobs.at(T0).runAt(at(30)));
        assertThat(later.status()).isEqualTo(SCHEDULED);
        assertThat(store.nextScheduledAt()).contains(at(30));
        assertThat(claim("w", 10, at(45))).isEmpty();
        assertThat(store.promoteDue(at(29), 100)).isZero();
        assertThat(store.promoteDue(at(45), 100)).isEqualTo(1);
        assertThat(get(sooner.id()).status()).isEqualTo(PENDING);
        assertThat(get(later.id()).status()).isEqualTo(SCHEDULED);
        assertThat(claim("w", 10, at(45))).extracting(Job::id).containsExactly(sooner.id());
        assertThat(store.nextScheduledAt()).contains(at(60));
    }

    // ---- claiming -----------------------------------------------------------------------------

    @Test
    void claimsByPriorityThenRunAtThenId() {
        Job low = insert(TestJobs.at(T0).priority(5));
        Job first = insert(TestJobs.at(T0).priority(-1));
        Job older = insert(TestJobs.at(T0).runAt(at(-10)));
        Job a = insert(TestJobs.at(T0));
        Job b = insert(TestJobs.at(T0));
        List<Job> got = claim("w", 10, T0);
        assertThat(got).extracting(Job::id).containsExactly(first.id(), older.id(), a.id(), b.id(), low.id());
    }

    @Test
    void claimRespectsLimitQueueAndTypes() {
        for (int i = 0; i < 5; i++) insert(TestJobs.at(T0));
        Job other = insert(TestJobs.at(T0).queue("other"));
        Job unknown = insert(TestJobs.at(T0).type("not-here"));
        assertThat(claim("w", 3, T0)).hasSize(3);
        assertThat(claim("w", 10, T0)).hasSize(2);
        assertThat(claim("w", 10, T0)).isEmpty();
        assertThat(get(unknown.id()).status()).isEqualTo(PENDING);
        assertThat(get(other.id()).status()).isEqualTo(PENDING);
        List<Job> fromOther = store.claim(new ClaimRequest("other", Set.of("noop"), 5, "w", LEASE, T0));
        assertThat(fromOther).extracting(Job::id).containsExactly(other.id());
    }

    @Test
    void claimTakesALease() {
        insert(TestJobs.at(T0));
        Job j = claimOne("worker-1", at(1));
        assertThat(j.status()).isEqualTo(RUNNING);
        assertThat(j.attempt()).isEqualTo(1);
        assertThat(j.leaseOwner()).isEqualTo("worker-1");
        assertThat(j.leaseUntil()).isEqualTo(at(1).plus(LEASE));
        assertThat(j.startedAt()).isEqualTo(at(1));
        assertThat(get(j.id())).usingRecursiveComparison().ignoringFields("updatedAt").isEqualTo(j);
    }

    // ---- completion and failure ---------------------------------------------------------------

    @Test
    void completeIsFencedAndHappensOnce() {
        insert(TestJobs.at(T0).resultTtl(Duration.ofMinutes(1)));
        Job j = claimOne("w", T0);
        Map<UUID, JobStatus> done = store.complete(List.of(new Completion(j.lease(), Json.parse("{\"ok\":true}"), at(2))));
        assertThat(done).containsExactly(Map.entry(j.id(), COMPLETED));
        Job c = get(j.id());
        assertThat(c.status()).isEqualTo(COMPLETED);
        assertThat(c.finishedAt()).isEqualTo(at(2));
        assertThat(c.result()).isEqualTo(Json.parse("{\"ok\":true}"));
        assertThat(c.resultExpiresAt()).isEqualTo(at(62));
        // a second completion, a failure or a cancel for the same lease change nothing
        assertThat(store.complete(List.of(new Completion(j.lease(), Json.parse("2"), at(3))))).isEmpty();
        assertThat(store.fail(new Failure(j.lease(), err(j, "late"), FAILED, null, at(3)))).isFalse();
        assertThat(store.finishCancelled(j.lease(), at(3))).isFalse();
        assertThat(get(j.id()).result()).isEqualTo(Json.parse("{\"ok\":true}"));
        assertThat(get(j.id()).status()).isEqualTo(COMPLETED);
    }

    @Test
    void batchCompletionAcceptsOnlyValidLeases() {
        for (int i = 0; i < 3; i++) insert(TestJobs.at(T0));
        List<Job> js = claim("w", 3, T0);
        Lease forged = new Lease(js.get(2).id(), "someone-else", 1);
        Lease staleAttempt = new Lease(js.get(1).id(), "w", 7);
        Map<UUID, JobStatus> done = store.complete(List.of(new Completion(js.get(0).lease(), null, at(1)),
                new Completion(staleAttempt, null, at(1)), new Completion(forged, null, at(1))));
        assertThat(done.keySet()).containsExactly(js.get(0).id());
        assertThat(get(js.get(1).id()).status()).isEqualTo(RUNNING);
        assertThat(get(js.get(2).id()).status()).isEqualTo(RUNNING);
    }

    @Test
    void savedResultIsKeptWhenCompletingWithoutOne() {
        insert(TestJobs.at(T0).resultTtl(Duration.ofSeconds(10)));
        Job j = claimOne("w", T0);
        assertThat(store.saveResult(j.lease(), Json.parse("[1,2]"), null, at(1))).isTrue();
        store.complete(List.of(new Completion(j.lease(), null, at(5))));
        Job c = get(j.id());
        assertThat(c.result()).isEqualTo(Json.parse("[1,2]"));
        assertThat(c.resultExpiresAt()).isEqualTo(at(15));
    }

    @Test
    void failureSchedulesARetryAndKeepsTheError() {
        insert(TestJobs.at(T0).maxAttempts(3));
        Job j = claimOne("w", T0);
        assertThat(store.fail(new Failure(j.lease(), err(j, "boom 1"), SCHEDULED, at(10), at(1)))).isTrue();
        Job f = get(j.id());
        assertThat(f.status()).isEqualTo(SCHEDULED);
        assertThat(f.runAt()).isEqualTo(at(10));
        assertThat(f.error()).isEqualTo("boom 1");
        assertThat(f.errors()).hasSize(1);
        assertThat(f.errors().get(0).attempt()).isEqualTo(1);
        assertThat(f.errors().get(0).reason()).isEqualTo(AttemptError.ERROR);
        assertThat(f.leaseUntil()).isNull();
        store.promoteDue(at(10), 10);
        Job again = claimOne("w", at(10));
        assertThat(again.attempt()).isEqualTo(2);
        assertThat(store.fail(new Failure(again.lease(), err(again, "boom 2"), PENDING, at(11), at(11)))).isTrue();
        Job third = claimOne("w", at(11));
        assertThat(third.attempt()).isEqualTo(3);
        assertThat(store.fail(new Failure(third.lease(), err(third, "boom 3"), FAILED, null, at(12)))).isTrue();
        Job dead = get(j.id());
        assertThat(dead.status()).isEqualTo(FAILED);
        assertThat(dead.finishedAt()).isEqualTo(at(12));
        assertThat(dead.errors()).extracting(AttemptError::message).containsExactly("boom 1", "boom 2", "boom 3");
        assertThat(store.list(JobFilter.status(FAILED), null, 10).items()).extracting(Job::id).containsExactly(j.id());
    }


    // ---- leases and fencing ---------------------------------------------------------------------

    @Test
    void expiredLeaseIsRescuedAndTheOldWorkerIsFencedOut() {
        Job parent = insert(TestJobs.at(T0).maxAttempts(3));
        Job a = claimOne("worker-a", T0);
        assertThat(store.expiredLeases(at(29), 10)).isEmpty();
        assertThat(store.expiredLeases(at(31), 10)).extracting(Job::id).containsExactly(parent.id());
        assertThat(store.rescue(a.lease(), PENDING, at(31), lost(a, at(31)), at(29))).as("not expired yet").isFalse();
        assertThat(store.rescue(a.lease(), PENDING, at(31), lost(a, at(31)), at(31))).isTrue();
        Job b = claimOne("worker-b", at(32));
        assertThat(b.attempt()).isEqualTo(2);
        // every write of worker a is now rejected
        assertThat(store.complete(List.of(new Completion(a.lease(), null, at(33))))).isEmpty();
        assertThat(store.fail(new Failure(a.lease(), err(a, "x"), FAILED, null, at(33)))).isFalse();
        assertThat(store.progress(a.lease(), 1, 2, "half", at(33))).isFalse();
        assertThat(store.appendLog(a.lease(), LogLevel.INFO, "hello", at(33))).isFalse();
        assertThat(store.saveResult(a.lease(), Json.parse("1"), null, at(33))).isFalse();
        assertThat(store.handBack(a.lease(), "x", at(33))).isFalse();
        assertThat(store.heartbeat(List.of(a.lease()), at(90), at(33)).lost()).containsExactly(a.id());
        assertThatThrownBy(() -> store.spawn(a.lease(), List.of(TestJobs.at(at(33)).parent(a).build()), InsertOptions.NONE, false))
                .isInstanceOf(LeaseLostException.class);
        assertThat(store.list(JobFilter.ALL.withParent(a.id()), null, 10).items()).isEmpty();
        assertThat(store.logs(a.id(), 0, 10)).isEmpty();
        // worker b holds it
        assertThat(store.progress(b.lease(), 1, 2, "half", at(33))).isTrue();
        assertThat(store.complete(List.of(new Completion(b.lease(), Json.parse("\"b\""), at(34)))).keySet()).containsExactly(b.id());
        Job done = get(parent.id());
        assertThat(done.status()).isEqualTo(COMPLETED);
        assertThat(done.result()).isEqualTo(Json.parse("\"b\""));
        assertThat(done.errors()).extracting(AttemptError::reason).containsExactly(AttemptError.LEASE_EXPIRED);
    }


    @Test
    void heartbeatExtendsTheLeaseSoItIsNotRescued() {
        insert(TestJobs.at(T0));
        Job j = claimOne("w", T0);
        var hb = store.heartbeat(List.of(j.lease()), at(60), at(20));
        assertThat(hb.lost()).isEmpty();
        assertThat(get(j.id()).leaseUntil()).isEqualTo(at(60));
        assertThat(store.expiredLeases(at(31), 10)).isEmpty();
        assertThat(store.rescue(j.lease(), PENDING, at(31), lost(j, at(31)), at(31))).isFalse();
        assertThat(get(j.id()).status()).isEqualTo(RUNNING);
    }

    @Test
    void rescueWithAttemptsUsedUpFailsTheJobAsAbandoned() {
        insert(TestJobs.at(T0).maxAttempts(1));
        Job j = claimOne("w", T0);
        assertThat(store.rescue(j.lease(), FAILED, null, lost(j, at(40)), at(40))).isTrue();
        Job f = get(j.id());
        assertThat(f.status()).isEqualTo(FAILED);
        assertThat(f.finishedAt()).isEqualTo(at(40));
        assertThat(f.errors()).extracting(AttemptError::reason).containsExactly(AttemptError.LEASE_EXPIRED);
    }

    @Test
    void handBackReturnsTheJobWithoutUsingAnAttempt() {
        insert(TestJobs.at(T0).maxAttempts(2));
        Job j = claimOne("w", T0);
        assertThat(store.handBack(j.lease(), "node stopping", at(1))).isTrue();
        Job back = get(j.id());
        assertThat(back.status()).isEqualTo(PENDING);
        assertThat(back.maxAttempts()).isEqualTo(3);
        assertThat(back.errors()).extracting(AttemptError::reason).containsExactly(AttemptError.SHUTDOWN);
        assertThat(claimOne("other", at(2)).attempt()).isEqualTo(2);
    }

    // ---- cancel, restart, delete ------------------------------------------------------------------

    @Test
    void cancelPendingIsImmediate() {
        Job j = insert(TestJobs.at(T0));
        Job s = insert(TestJobs.at(T0).runAt(at(100)));
        var r = store.cancel(j.id(), at(1));
        assertThat(r.cancelled()).containsExactly(j.id());
        assertThat(r.job().status()).isEqualTo(CANCELLED);
        assertThat(get(j.id()).finishedAt()).isEqualTo(at(1));
        assertThat(store.cancel(s.id(), at(1)).job().status()).isEqualTo(CANCELLED);
        assertThat(claim("w", 10, at(200))).isEmpty();
    }

    @Test
    void cancelCascadesToDescendants() {
        insert(TestJobs.at(T0).type("parent"));
        Job parent = claimOne("w", T0);
        List<NewJob> kids = List.of(TestJobs.at(T0).type("child").parent(parent).build(),
                TestJobs.at(T0).type("child").parent(parent).build(),
                TestJobs.at(T0).type("child").parent(parent).runAt(at(500)).build());
        store.spawn(parent.lease(), kids, InsertOptions.NONE, false);
        Job runningChild = claimOne("w2", at(1));
        Job grandchild = store.spawn(runningChild.lease(), List.of(TestJobs.at(at(1)).type("child").parent(runningChild).build()),
                InsertOptions.NONE, false).get(0).job();
        assertThat(grandchild.depth()).isEqualTo(2);
        assertThat(grandchild.rootId()).isEqualTo(parent.id());

        var r = store.cancel(parent.id(), at(2));
        assertThat(r.cancelRequested()).containsExactlyInAnyOrder(parent.id(), runningChild.id());
        assertThat(r.cancelled()).containsExactlyInAnyOrder(kids.get(1).id(), kids.get(2).id(), grandchild.id());
        assertThat(get(parent.id()).cancelRequested()).isTrue();
        assertThat(store.heartbeat(List.of(parent.lease(), runningChild.lease()), at(60), at(3)).cancelRequested())
                .containsExactlyInAnyOrder(parent.id(), runningChild.id());
        assertThat(store.finishCancelled(runningChild.lease(), at(4))).isTrue();
        assertThat(get(runningChild.id()).status()).isEqualTo(CANCELLED);
        // a cancel-requested job whose worker died ends cancelled, not retried
        assertThat(store.rescue(parent.lease(), PENDING, at(100), lost(parent, at(100)), at(100))).isTrue();
        assertThat(get(parent.id()).status()).isEqualTo(CANCELLED);
    }

    @Test
    void cancelOfFinishedOrUnknownJobsIsAClearError() {
        insert(TestJobs.at(T0));
        Job j = claimOne("w", T0);
        store.complete(List.of(new Completion(j.lease(), null, at(1))));
        assertThatThrownBy(() -> store.cancel(j.id(), at(2))).isInstanceOf(ConflictException.class).hasMessageContaining("completed");
        assertThatThrownBy(() -> store.cancel(UUID.randomUUID(), at(2))).isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void restartRequeuesFailedAndCancelledJobsOnly() {
        insert(TestJobs.at(T0).maxAttempts(1));
        Job j = claimOne("w", T0);
        store.fail(new Failure(j.lease(), err(j, "dead"), FAILED, null, at(1)));
        Job restarted = store.restart(j.id(), at(2));
        assertThat(restarted.status()).isEqualTo(PENDING);
        assertThat(restarted.maxAttempts()).isEqualTo(2);
        assertThat(restarted.finishedAt()).isNull();
        assertThat(restarted.errors()).hasSize(1);
        Job again = claimOne("w", at(3));
        assertThat(again.attempt()).isEqualTo(2);
        store.complete(List.of(new Completion(again.lease(), null, at(4))));
        assertThatThrownBy(() -> store.restart(j.id(), at(5))).isInstanceOf(ConflictException.class);
        Job c = insert(TestJobs.at(T0));
        store.cancel(c.id(), at(1));
        assertThat(store.restart(c.id(), at(6)).status()).isEqualTo(PENDING);
        assertThatThrownBy(() -> store.restart(c.id(), at(7))).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> store.restart(UUID.randomUUID(), at(7))).isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void deleteRemovesTerminalTreesOnly() {
        insert(TestJobs.at(T0).type("parent"));
        Job parent = claimOne("w", T0);
        Job child = store.spawn(parent.lease(), List.of(TestJobs.at(T0).type("child").parent(parent).build()), InsertOptions.NONE, false).get(0).job();
        store.appendLog(parent.lease(), LogLevel.INFO, "x", at(1));
        assertThatThrownBy(() -> store.delete(parent.id())).isInstanceOf(ConflictException.class);
        store.fail(new Failure(parent.lease(), err(parent, "gave up"), FAILED, null, at(2)));
        assertThatThrownBy(() -> store.delete(parent.id())).isInstanceOf(ConflictException.class).hasMessageContaining(child.id().toString());
        store.cancel(child.id(), at(3));
        store.delete(parent.id());
        assertThat(store.get(parent.id())).isEmpty();
        assertThat(store.get(child.id())).isEmpty();
        assertThat(store.logs(parent.id(), 0, 10)).isEmpty();
        assertThatThrownBy(() -> store.delete(parent.id())).isInstanceOf(JobNotFoundException.class);
    }

    // ---- unique keys, cache keys, capacity ----------------------------------------------------------

    @Test
    void uniqueKeyReturnsTheLiveJob() {
        Job first = insert(TestJobs.at(T0).uniqueKey("report-42"));
        SubmitResult second = store.insert(List.of(TestJobs.at(T0).uniqueKey("report-42").build()), InsertOptions.NONE).get(0);
        assertThat(second.created()).isFalse();
        assertThat(second.job().id()).isEqualTo(first.id());
        // two in one batch: one job
        List<SubmitResult> batch = store.insert(List.of(TestJobs.at(T0).uniqueKey("k2").build(), TestJobs.at(T0).uniqueKey("k2").build()), InsertOptions.NONE);
        assertThat(batch.get(0).created()).isTrue();
        assertThat(batch.get(1).created()).isFalse();
        assertThat(batch.get(1).job().id()).isEqualTo(batch.get(0).job().id());
        // once the first is terminal the key is free again
        Job running = claimOne("w", at(1));
        assertThat(running.id()).isEqualTo(first.id());
        assertThat(store.insert(List.of(TestJobs.at(T0).uniqueKey("report-42").build()), InsertOptions.NONE).get(0).created()).isFalse();
        store.complete(List.of(new Completion(running.lease(), null, at(2))));
        SubmitResult third = store.insert(List.of(TestJobs.at(at(3)).uniqueKey("report-42").build()), InsertOptions.NONE).get(0);
        assertThat(third.created()).isTrue();
        assertThat(third.job().id()).isNotEqualTo(first.id());
    }

    @Test
    void cacheKeyReturnsACompletedJobWhileItsResultLives() {
        insert(TestJobs.at(T0).cacheKey("page:/a", Duration.ofSeconds(60)));
        Job j = claimOne("w", T0);
        assertThat(store.insert(List.of(TestJobs.at(at(1)).cacheKey("page:/a", Duration.ofSeconds(60)).build()), InsertOptions.NONE)
                .get(0).created()).as("running is not a cache hit").isTrue();
        store.complete(List.of(new Completion(j.lease(), Json.parse("{\"html\":\"<p>\"}"), at(2))));
        SubmitResult hit = store.insert(List.of(TestJobs.at(at(30)).cacheKey("page:/a", Duration.ofSeconds(60)).build()), InsertOptions.NONE).get(0);
        assertThat(hit.created()).isFalse();
        assertThat(hit.job().id()).isEqualTo(j.id());
        assertThat(hit.job().result()).isEqualTo(Json.parse("{\"html\":\"<p>\"}"));
        SubmitResult miss = store.insert(List.of(TestJobs.at(at(63)).cacheKey("page:/a", Duration.ofSeconds(60)).build()), InsertOptions.NONE).get(0);
        assertThat(miss.created()).as("result expired at +62s").isTrue();
    }

    @Test
    void fullQueueRejectsTheWholeBatchAndWritesNothing() {
        InsertOptions cap = new InsertOptions(Map.of("small", 3));
        store.insert(List.of(TestJobs.at(T0).queue("small").build(), TestJobs.at(T0).queue("small").runAt(at(60)).build()), cap);
        List<NewJob> two = List.of(TestJobs.at(T0).queue("small").build(), TestJobs.at(T0).queue("other").build());
        assertThatThrownBy(() -> store.insert(List.of(TestJobs.at(T0).queue("small").build(), TestJobs.at(T0).queue("small").build()), cap))
                .isInstanceOf(QueueFullException.class).hasMessageContaining("small");
        assertThat(store.counts().get("small")).containsEntry(PENDING, 1L).containsEntry(SCHEDULED, 1L);
        assertThat(store.insert(two, cap)).hasSize(2);
        assertThat(store.get(two.get(1).id())).isPresent();
        assertThatThrownBy(() -> store.insert(List.of(TestJobs.at(T0).queue("small").build()), cap)).isInstanceOf(QueueFullException.class);
        // running jobs are not waiting: claiming frees room
        store.claim(new ClaimRequest("small", ALL_TYPES, 1, "w", LEASE, T0));
        assertThat(store.insert(List.of(TestJobs.at(T0).queue("small").build()), cap).get(0).created()).isTrue();
        // a duplicate that resolves to an existing job needs no room
        Job u = insert(TestJobs.at(T0).queue("u").uniqueKey("only"));
        assertThat(store.insert(List.of(TestJobs.at(T0).queue("u").uniqueKey("only").build()), new InsertOptions(Map.of("u", 1)))
                .get(0).job().id()).isEqualTo(u.id());
    }

    // ---- the state machine, through the store -----------------------------------------------------------

    @Test
    void storeNeverWritesAnIllegalTransition() {
        Job pending = insert(TestJobs.at(T0));
        Lease fake = new Lease(pending.id(), "w", 0);
        // pending -> completed / failed / scheduled need a running lease
        assertThat(store.complete(List.of(new Completion(fake, null, T0)))).isEmpty();
        assertThat(store.fail(new Failure(fake, err(pending, "x"), FAILED, null, T0))).isFalse();
        assertThat(store.finishCancelled(fake, T0)).isFalse();
        assertThat(store.rescue(fake, PENDING, T0, lost(pending, T0), at(1000))).isFalse();
        // pending -> pending via restart is not a move
        assertThatThrownBy(() -> store.restart(pending.id(), T0)).isInstanceOf(ConflictException.class);
        assertThat(get(pending.id()).status()).isEqualTo(PENDING);
        Job running = claimOne("w", T0);
        store.complete(List.of(new Completion(running.lease(), null, at(1))));
        // completed -> running: a claim never picks it up again
        assertThat(claim("w", 10, at(2))).isEmpty();
        assertThat(store.promoteDue(at(1_000_000), 100)).isZero();
        assertThat(get(running.id()).status()).isEqualTo(COMPLETED);
    }
}
