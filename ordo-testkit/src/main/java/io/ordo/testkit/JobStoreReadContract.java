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
    void progressIsStored() {
        insert(TestJobs.at(T0));
        Job j = claimOne("w", T0);
        assertThat(store.progress(j.lease(), 3, 10, "3 of 10 pages", at(1))).isTrue();
        Job p = get(j.id());
        assertThat(p.progressCurrent()).isEqualTo(3);
        assertThat(p.progressTotal()).isEqualTo(10);
        assertThat(p.progressText()).isEqualTo("3 of 10 pages");
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
