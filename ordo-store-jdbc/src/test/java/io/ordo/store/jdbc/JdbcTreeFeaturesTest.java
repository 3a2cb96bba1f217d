package io.ordo.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.Failure;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.store.memory.InMemoryJobStore;
import io.ordo.core.util.Json;
import io.ordo.testkit.TestJobs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;

/** What the SQL stores promise for trees of jobs beyond the shared contract; one subclass per database. */
abstract class JdbcTreeFeaturesTest {
    protected static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    private static final Set<String> TYPES = Set.of("noop", "parent", "child");
    private static final Duration LEASE = Duration.ofSeconds(30);
    private final List<JobStore> opened = new ArrayList<>();

    /** A store over this test's database; every call opens another instance on the same database. */
    protected abstract JobStore openStore();

    /** A plain connection to this test's database (not the store's). */
    protected abstract Connection connect() throws SQLException;

    /** A table of the store as the plain connection names it. */
    protected abstract String table(String name);

    protected JobStore open() {
        JobStore s = openStore();
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JobStore::close);
        opened.clear();
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static NewJob with(NewJob n, UUID scope, String dedup, ChildPolicy policy) {
        return new NewJob(n.id(), n.type(), n.queue(), n.priority(), n.payload(), n.status(), n.maxAttempts(), n.runAt(), n.timeout(),
                n.parentId(), n.rootId(), n.definitionId(), n.step(), n.depth(), n.resultTtl(), n.uniqueKey(), n.cacheKey(), n.tags(),
                n.backoffBase(), n.backoffCap(), n.createdAt(), scope, dedup, policy, n.result(), n.error(), n.meta(), null);
    }

    /** A running scope job (its own scope) with {@code policy}. */
    private static Job runningScope(JobStore store, ChildPolicy policy, String queue) {
        NewJob n = TestJobs.at(T0).type("parent").queue(queue).build();
        store.insert(List.of(with(n, n.id(), null, policy)), InsertOptions.NONE);
        return store.claim(new ClaimRequest(queue, TYPES, 1, "w", LEASE, T0)).get(0);
    }

    private static NewJob child(Job parent, String dedup) {
        return with(TestJobs.at(T0).type("child").queue(parent.queue()).parent(parent).build(), parent.scopeId(), dedup, null);
    }

    private static List<Job> claim(JobStore store, String queue, int n) {
        return store.claim(new ClaimRequest(queue, TYPES, n, "w", LEASE, T0));
    }

    private static AttemptError err(Job j) {
        return new AttemptError(j.attempt(), j.leaseOwner(), T0, AttemptError.ERROR, "boom");
    }

    private Map<UUID, Map<JobStatus, Long>> groupBy(String column, String extra) throws SQLException {
        Map<UUID, Map<JobStatus, Long>> out = new HashMap<>();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT " + column + ", status, count(*) FROM "
                + table("ordo_jobs") + " WHERE " + column + " IS NOT NULL" + extra + " GROUP BY " + column + ", status");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(UUID.fromString(rs.getString(1)), k -> new EnumMap<>(JobStatus.class))
                        .put(JobStatus.fromWire(rs.getString(2)), rs.getLong(3));
            }
        }
        return out;
    }

    private long negativeCounters() throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT (SELECT count(*) FROM " + table("ordo_child_counts")
                + " WHERE n < 0) + (SELECT count(*) FROM " + table("ordo_scope_counts") + " WHERE n < 0)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Every parent's and scope's counters equal a GROUP BY over the jobs, and none is negative. */
    private void assertCountersMatch(JobStore store, Set<UUID> parents, Set<UUID> scopes) throws SQLException {
        Map<UUID, Map<JobStatus, Long>> byParent = groupBy("parent_id", "");
        Map<UUID, Map<JobStatus, Long>> byScope = groupBy("scope_id", " AND scope_id <> id");
        for (UUID p : parents) assertThat(store.childCounts(p)).as("children of " + p).isEqualTo(byParent.getOrDefault(p, Map.of()));
        for (UUID s : scopes) assertThat(store.scopeCounts(s)).as("scope " + s).isEqualTo(byScope.getOrDefault(s, Map.of()));
        assertThat(negativeCounters()).isZero();
    }

    // ---- tests ----------------------------------------------------------------------------------

    @Test
    void childAndScopeCountersFollowEveryTransitionAndDeletion() throws Exception {
        JobStore store = open();
        Job scope = runningScope(store, ChildPolicy.limits(100, 3), "t");
        List<NewJob> kids = new ArrayList<>();
        for (int i = 0; i < 12; i++) kids.add(child(scope, i % 4 == 0 ? "k" + i : null));
        store.spawn(scope.lease(), kids, InsertOptions.NONE, false);
        List<Job> running = claim(store, "t", 8);
        Set<UUID> parents = new java.util.HashSet<>(Set.of(scope.id()));
        // a child that spawns grandchildren and then waits for them
        Job mid = running.get(0);
        store.spawn(mid.lease(), List.of(child(mid, "g1"), child(mid, "g2"), child(mid, null)), InsertOptions.NONE, false);
        parents.add(mid.id());
        assertThat(store.complete(List.of(new Completion(mid.lease(), null, T0.plusSeconds(1))))).containsEntry(mid.id(), WAITING);
        store.complete(List.of(new Completion(running.get(1).lease(), null, T0.plusSeconds(1)),
                new Completion(running.get(2).lease(), Json.parse("2"), T0.plusSeconds(1))));
        store.fail(new Failure(running.get(3).lease(), err(running.get(3)), FAILED, null, T0.plusSeconds(1)));
        store.fail(new Failure(running.get(4).lease(), err(running.get(4)), SCHEDULED, T0.plusSeconds(50), T0.plusSeconds(1)));
        store.handBack(running.get(5).lease(), "stopping", T0.plusSeconds(1));
        store.rescue(running.get(6).lease(), PENDING, T0.plusSeconds(100), err(running.get(6)), T0.plusSeconds(100));
        store.promoteDue(T0.plusSeconds(60), 10);
        assertCountersMatch(store, parents, Set.of(scope.id()));

        // the grandchildren run; the waiting child is finished; one subtree is cancelled and deleted
        for (Job g : claim(store, "t", 20)) {
            if (g.parentId().equals(mid.id())) store.complete(List.of(new Completion(g.lease(), null, T0.plusSeconds(2))));
        }
        assertThat(store.finishWaiting(mid.id(), COMPLETED, null, null, T0.plusSeconds(3))).isTrue();
        assertThat(store.treeCounts(scope.id()).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(15);
        assertCountersMatch(store, parents, Set.of(scope.id()));
        store.delete(mid.id());
        assertCountersMatch(store, parents, Set.of(scope.id()));
        assertThat(store.childCounts(mid.id())).as("a deleted parent has no children left").isEmpty();
        store.cancel(scope.id(), T0.plusSeconds(4));
        store.finishCancelled(scope.lease(), T0.plusSeconds(4));
        for (Job j : store.expiredLeases(T0.plusSeconds(3600), 50)) {
            store.rescue(j.lease(), PENDING, null, err(j), T0.plusSeconds(3600));
        }
        assertCountersMatch(store, parents, Set.of(scope.id()));
        store.prune(T0.plusSeconds(7200), 5);
        assertCountersMatch(store, parents, Set.of(scope.id()));
        store.prune(T0.plusSeconds(7200), 100);
        assertCountersMatch(store, parents, Set.of(scope.id()));
        store.optimize();
        assertThat(store.childCounts(scope.id())).isEmpty();
        assertThat(store.scopeCounts(scope.id())).isEmpty();
        assertThat(store.treeCounts(scope.id())).isEmpty();
    }

    @Test
    void treeJobsRoundTripExactly() {
        JobStore store = open();
        Instant odd = Instant.parse("2031-03-01T10:00:00.123456789Z");
        ChildPolicy policy = new ChildPolicy(3, ChildPolicy.Action.MARK_WARNING, 50, 2);
        NewJob plain = TestJobs.at(odd).resultTtl(Duration.ofMillis(1500)).build();
        JsonNode meta = Json.parse("{\"cached_from\":\"x\",\"nested\":{\"a\":[1,true,null]},\"flag\":false}");
        NewJob recorded = with(plain, plain.id(), "dk", policy).withStatus(COMPLETED, Json.parse("{\"pages\":3}"), "note", meta);
        NewJob waiting = with(TestJobs.at(odd).build(), null, null, null).withStatus(WAITING, null, null, null);
        NewJob skipped = TestJobs.at(odd).build().withStatus(SKIPPED, null, "dependency failed", null);
        List<SubmitResult> r = store.insert(List.of(recorded, waiting, skipped), InsertOptions.NONE);
        for (SubmitResult s : r) {
            Job read = store.get(s.job().id()).orElseThrow();
            assertThat(read).as("what insert returns is what is stored").isEqualTo(s.job());
        }
        Job c = r.get(0).job();
        assertThat(c.childPolicy()).isEqualTo(policy);
        assertThat(c.scopeId()).isEqualTo(c.id());
        assertThat(c.dedupKey()).isEqualTo("dk");
        assertThat(c.meta()).isEqualTo(meta);
        assertThat(c.finishedAt()).isEqualTo(Instant.parse("2031-03-01T10:00:00.123Z"));
        assertThat(c.resultExpiresAt()).isEqualTo(Instant.parse("2031-03-01T10:00:01.623Z"));
        assertThat(r.get(1).job().startedAt()).isEqualTo(Instant.parse("2031-03-01T10:00:00.123Z"));
        assertThat(r.get(2).job().finishedAt()).isEqualTo(Instant.parse("2031-03-01T10:00:00.123Z"));
        assertThat(r.get(2).job().error()).isEqualTo("dependency failed");
    }

    @Test
    void resubmittingAnIdResolvesToTheStoredJob() {
        JobStore store = open();
        NewJob n = TestJobs.at(T0).build();
        assertThat(store.insert(List.of(n), InsertOptions.NONE).get(0).created()).isTrue();
        NewJob other = TestJobs.at(T0).build();
        List<SubmitResult> again = store.insert(List.of(other, n), InsertOptions.NONE);
        assertThat(again).extracting(SubmitResult::created).containsExactly(true, false);
        assertThat(again.get(1).job().id()).isEqualTo(n.id());
        assertThat(store.counts().get("default")).containsEntry(PENDING, 2L);
    }

    @Test
    void metaMergesShallowlyExactlyAsTheMemoryStoreDoes() {
        List<JsonNode> patches = List.of(Json.parse("{\"a\":{\"x\":1},\"b\":true,\"c\":null,\"s\":\"text\"}"),
                Json.parse("{\"a\":{\"y\":2},\"d\":[1,{\"z\":false}],\"b\":false,\"n\":12.50}"), Json.parse("[1]"),
                Json.parse("{}"));
        JsonNode finish = Json.parse("{\"warning\":\"w\",\"c\":{\"deep\":null}}");
        InMemoryJobStore memory = new InMemoryJobStore();
        JsonNode expected = mergeAll(memory, patches, finish);
        JsonNode actual = mergeAll(open(), patches, finish);
        assertThat(actual).isEqualTo(expected);
        assertThat(actual.get("a")).isEqualTo(Json.parse("{\"y\":2}"));
        assertThat(actual.get("c")).isEqualTo(Json.parse("{\"deep\":null}"));
        assertThat(actual.get("b").isBoolean()).isTrue();
    }

    /** Merges the patches into a running parent's meta, lets it wait for a child, finishes it with {@code finish}. */
    private static JsonNode mergeAll(JobStore store, List<JsonNode> patches, JsonNode finish) {
        NewJob n = TestJobs.at(T0).type("parent").build();
        store.insert(List.of(n), InsertOptions.NONE);
        Job p = store.claim(new ClaimRequest("default", TYPES, 1, "w", LEASE, T0)).get(0);
        for (JsonNode patch : patches) assertThat(store.mergeMeta(p.lease(), patch, T0)).isTrue();
        store.spawn(p.lease(), List.of(TestJobs.at(T0).type("child").parent(p).build()), InsertOptions.NONE, false);
        assertThat(store.complete(List.of(new Completion(p.lease(), null, T0)))).containsEntry(p.id(), WAITING);
        assertThat(store.finishWaiting(p.id(), COMPLETED, null, finish, T0)).isTrue();
        return store.get(p.id()).orElseThrow().meta();
    }

    @Test
    void concurrentSpawnsOfOneDedupKeyMakeOneJob() throws Exception {
        JobStore store = open();
        NewJob root = TestJobs.at(T0).type("parent").queue("r").build();
        store.insert(List.of(root), InsertOptions.NONE);
        Job r = claim(store, "r", 1).get(0);
        // siblings without a scope: nothing serializes their spawns but the dedup index
        List<NewJob> siblings = new ArrayList<>();
        for (int i = 0; i < 4; i++) siblings.add(TestJobs.at(T0).type("parent").queue("s").parent(r).build());
        store.spawn(r.lease(), siblings, InsertOptions.NONE, false);
        List<Job> spawners = claim(store, "s", 4);
        int keys = 30;
        List<Callable<List<SubmitResult>>> work = new ArrayList<>();
        CyclicBarrier start = new CyclicBarrier(spawners.size());
        for (Job s : spawners) {
            work.add(() -> {
                List<NewJob> kids = new ArrayList<>();
                for (int k = 0; k < keys; k++) kids.add(with(TestJobs.at(T0).type("child").queue("c").parent(s).build(), null, "u" + k, null));
                start.await(10, TimeUnit.SECONDS);
                List<SubmitResult> all = new ArrayList<>();
                // one child per spawn, so that the spawns interleave key by key
                for (NewJob kid : kids) all.addAll(store.spawn(s.lease(), List.of(kid), InsertOptions.NONE, false));
                return all;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(spawners.size());
        List<List<SubmitResult>> results = new ArrayList<>();
        try {
            for (Future<List<SubmitResult>> f : pool.invokeAll(work, 60, TimeUnit.SECONDS)) results.add(f.get());
        } finally {
            pool.shutdownNow();
        }
        for (int k = 0; k < keys; k++) {
            int key = k;
            List<SubmitResult> forKey = results.stream().map(l -> l.get(key)).toList();
            assertThat(forKey.stream().map(x -> x.job().id()).distinct()).as("key u" + k).hasSize(1);
            assertThat(forKey.stream().filter(SubmitResult::created)).as("created once: u" + k).hasSize(1);
        }
        assertThat(store.counts().get("c")).containsExactly(Map.entry(PENDING, (long) keys));
    }

    @Test
    void concurrentSpawnsInAScopeNeverExceedItsLimit() throws Exception {
        JobStore store = open();
        int limit = 40;
        Job scope = runningScope(store, ChildPolicy.limits(limit, null), "p");
        List<NewJob> kids = new ArrayList<>();
        for (int i = 0; i < 5; i++) kids.add(with(TestJobs.at(T0).type("parent").queue("k").parent(scope).build(), scope.id(), null, null));
        store.spawn(scope.lease(), kids, InsertOptions.NONE, false);
        List<Job> spawners = claim(store, "k", 5);
        CyclicBarrier start = new CyclicBarrier(spawners.size());
        List<Callable<Integer>> work = new ArrayList<>();
        for (Job s : spawners) {
            work.add(() -> {
                start.await(10, TimeUnit.SECONDS);
                int accepted = 0;
                for (int round = 0; round < 6; round++) {
                    List<NewJob> batch = new ArrayList<>();
                    // two keys shared between spawners (the same page linked from several pages: 8 in all),
                    // one of the spawner's own (30 in all): 5 + 8 + 30 candidates for 40 places
                    for (int k = 0; k < 3; k++) batch.add(with(TestJobs.at(T0).type("child").queue("g").parent(s).build(), scope.id(),
                            k < 2 ? "page-" + (round * 3 + k) % 12 : "own-" + round + "-" + s.id(), null));
                    accepted += (int) store.spawn(s.lease(), batch, InsertOptions.NONE, true).stream().filter(SubmitResult::created).count();
                }
                return accepted;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(spawners.size());
        int created = 0;
        try {
            for (Future<Integer> f : pool.invokeAll(work, 60, TimeUnit.SECONDS)) created += f.get();
        } finally {
            pool.shutdownNow();
        }
        Job after = store.get(scope.id()).orElseThrow();
        long inScope = store.scopeCounts(scope.id()).values().stream().mapToLong(Long::longValue).sum();
        assertThat(after.spawned()).as("spawned counts every job created in the scope").isEqualTo(created + 5).isEqualTo((int) inScope);
        assertThat(after.spawned()).isLessThanOrEqualTo(limit);
        assertThat(after.spawned()).as("the limit was reached").isEqualTo(limit);
    }

    @Test
    void aTickIsTakenOnceByConcurrentNodes() throws Exception {
        List<JobStore> nodes = List.of(open(), open(), open());
        for (int tick = 0; tick < 5; tick++) {
            Instant at = T0.plusSeconds(60L * tick);
            CyclicBarrier start = new CyclicBarrier(nodes.size());
            List<Callable<Integer>> work = new ArrayList<>();
            for (JobStore node : nodes) {
                work.add(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    return node.insertForTick("nightly", at, List.of(TestJobs.at(T0).type("run").queue("runs").build()), InsertOptions.NONE).size();
                });
            }
            ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
            int runs = 0;
            try {
                for (Future<Integer> f : pool.invokeAll(work, 60, TimeUnit.SECONDS)) runs += f.get();
            } finally {
                pool.shutdownNow();
            }
            assertThat(runs).as("tick " + tick).isEqualTo(1);
        }
        assertThat(nodes.get(0).counts().get("runs")).containsExactly(Map.entry(PENDING, 5L));
        assertThat(nodes.get(1).lastTick("nightly")).contains(T0.plusSeconds(240));
    }
}
