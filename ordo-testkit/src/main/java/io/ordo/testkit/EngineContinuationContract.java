package io.ordo.testkit;

import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.event.EventTypes;
import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.model.ChildResult;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several results per job and parents that use their children's results, end to end on a real
 * store: a parent spawns, waits without a worker slot, continues and reads its children's results.
 */
public abstract class EngineContinuationContract {
    protected JobStore store;
    private final List<Ordo> nodes = new ArrayList<>();

    protected abstract JobStore createStore();

    @BeforeEach
    void openStore() {
        store = createStore();
    }

    @AfterEach
    void closeAll() {
        nodes.reversed().forEach(Ordo::close);
        if (store != null) store.close();
        afterStoreClosed();
    }

    /** Runs after every node and the store are closed (e.g. to drop a test schema). */
    protected void afterStoreClosed() {
    }

    /** A started node whose default queue runs ONE job at a time. */
    private Ordo node(Consumer<OrdoConfig> tune) {
        OrdoConfig c = OrdoConfig.defaults().store(store).queue("default", 1)
                .lease(Duration.ofSeconds(5), Duration.ofSeconds(1))
                .maintenanceInterval(Duration.ofMillis(100)).poll(Duration.ofMillis(100))
                .monitorSweep(Duration.ofMillis(200))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .cancelGrace(Duration.ofMillis(300)).shutdownGrace(Duration.ofSeconds(2));
        tune.accept(c);
        Ordo o = Ordo.create(c);
        nodes.add(o);
        return o.start();
    }

    private Job awaitStatus(Ordo o, UUID id, JobStatus status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> o.jobs().require(id).status() == status);
        return o.jobs().require(id);
    }

    private static JobHandler handler(String type, EngineContract.HandlerBody body) {
        return new JobHandler() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public Object run(JobContext ctx) throws Exception {
                return body.run(ctx);
            }
        };
    }

    /** Returns its payload's n and saves it as a titled result. */
    private static final JobHandler NUMBER = handler("number", ctx -> {
        int n = ctx.payload().path("n").asInt();
        ctx.saveResult(Map.of("n", n), "number " + n, "n:" + n);
        return Map.of("n", n);
    });

    private static List<JobRequest> numbers(int from, int to) {
        List<JobRequest> kids = new ArrayList<>();
        for (int i = from; i <= to; i++) kids.add(JobRequest.of("number").payload(Map.of("n", i)));
        return kids;
    }

    private static int sum(List<ChildResult> children) {
        return children.stream().mapToInt(c -> c.result().path("n").asInt()).sum();
    }

    @Test
    void aParentSumsItsChildrenResultsInAContinuationWithoutHoldingASlot() {
        List<Integer> continuations = new CopyOnWriteArrayList<>();
        Ordo o = node(c -> c.handler(NUMBER).handler(handler("summer", ctx -> {
            continuations.add(ctx.continuation());
            if (ctx.continuation() == 0) {
                ctx.spawn(numbers(1, 5));
                ctx.continueAfterChildren();
                return null;
            }
            List<ChildResult> children = ctx.childResults();
            assertThat(children).hasSize(5).allMatch(ChildResult::completed);
            return Map.of("sum", sum(children));
        })));
        Job submitted = o.jobs().submit(JobRequest.of("summer"));
        // one slot in the queue: the children can only run while the parent does not hold it
        Job done = awaitStatus(o, submitted.id(), COMPLETED);
        assertThat(done.result()).isEqualTo(Json.parse("{\"sum\":15}"));
        assertThat(continuations).containsExactly(0, 1);
        assertThat(done.attempt()).as("each run is an attempt").isEqualTo(2);
        assertThat(done.maxAttempts()).as("a continuation is not a retry").isEqualTo(submitted.maxAttempts() + 1);
        assertThat(done.error()).isNull();

        // five results saved in the tree, the parent's returned value not among them
        assertThat(o.jobs().resultCount(done.id())).isEqualTo(5);
        assertThat(o.jobs().results(done.id(), null, 100).items()).hasSize(5)
                .allMatch(r -> r.title().startsWith("number ") && r.reference().startsWith("n:"));
        await().atMost(Duration.ofSeconds(10)).until(() -> events().stream().filter(e -> e.type().equals(EventTypes.RESULT_SAVED)
                && "number 3".equals(e.payload().get("title"))).count() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> events().stream().anyMatch(e -> e.type().equals(EventTypes.JOB_PROGRESS)
                && done.id().equals(e.jobId()) && Long.valueOf(5).equals(((Number) e.payload().get("result_count")).longValue())));
        assertThat(events()).filteredOn(e -> e.type().equals(EventTypes.JOB_STATUS_CHANGE) && done.id().equals(e.jobId()))
                .extracting(e -> e.payload().get("status"))
                .containsSubsequence("running", "waiting", "pending", "running", "waiting", "completed");
    }

    private List<OrdoEvent> events() {
        return store.eventsAfter(0, 10_000).stream().map(StoredEvent::event).toList();
    }

    @Test
    void expiredSavedResultsAreDeletedByTheMaintenanceInBatches() {
        Ordo o = node(c -> c.pruneInterval(Duration.ofMillis(200), 2).handler(handler("saver", ctx -> {
            for (int i = 0; i < 5; i++) ctx.saveResult(Map.of("i", i), "short " + i, null, Duration.ofMillis(100));
            ctx.saveResult(Map.of("kept", true), "kept", null);
            return null;
        })));
        Job done = awaitStatus(o, o.jobs().submit(JobRequest.of("saver")).id(), COMPLETED);
        // five expired rows, deleted by the leader's duty in batches of two
        await().atMost(Duration.ofSeconds(10)).until(() -> o.jobs().resultCount(done.id()) == 1);
        assertThat(o.jobs().results(done.id(), null, 10).items()).extracting(r -> r.title()).containsExactly("kept");
        assertThat(o.jobs().require(done.id()).result()).as("the main result is the last saved").isEqualTo(Json.parse("{\"kept\":true}"));
    }

    @Test
    void aSpawnInAContinuationWaitsAgain() {
        Ordo o = node(c -> c.handler(NUMBER).handler(handler("twice", ctx -> {
            switch (ctx.continuation()) {
                case 0 -> ctx.spawn(numbers(1, 2));
                case 1 -> ctx.spawn(numbers(10, 10));
                default -> {
                    return Map.of("children", ctx.childResults().size(), "sum", sum(ctx.childResults()), "at", ctx.continuation());
                }
            }
            ctx.continueAfterChildren();
            return null;
        })));
        Job done = awaitStatus(o, o.jobs().submit(JobRequest.of("twice")).id(), COMPLETED);
        assertThat(done.result()).isEqualTo(Json.parse("{\"children\":3,\"sum\":13,\"at\":2}"));
    }

    @Test
    void failedChildrenAreSeenWithTheirErrorAndDoNotFailAContinuingParent() {
        Ordo o = node(c -> c.handler(NUMBER).handler(handler("boom", ctx -> {
            throw new PermanentFailure("no luck");
        })).handler(handler("tolerant", ctx -> {
            if (ctx.continuation() == 0) {
                ctx.spawn(List.of(JobRequest.of("number").payload(Map.of("n", 4)), JobRequest.of("boom").maxAttempts(1)));
                ctx.continueAfterChildren();
                return null;
            }
            List<ChildResult> kids = ctx.childResults();
            ChildResult failed = kids.stream().filter(k -> k.status() == FAILED).findFirst().orElseThrow();
            return Map.of("failed_error", failed.error(), "ok", kids.stream().filter(ChildResult::completed).count());
        })));
        Job done = awaitStatus(o, o.jobs().submit(JobRequest.of("tolerant")).id(), COMPLETED);
        assertThat(done.result().path("ok").asInt()).isEqualTo(1);
        assertThat(done.result().path("failed_error").asText()).contains("no luck");
    }

    @Test
    void aParentLeftWaitingByACrashedNodeIsContinuedByTheSweep() {
        // what a node that died after its parent's children ended leaves behind: a waiting parent
        // that asked to continue, its child done, and no check of it queued anywhere
        Instant t = Instant.now();
        NewJob p = TestJobs.at(t).type("resumable").build();
        store.insert(List.of(p), InsertOptions.NONE);
        Job parent = store.claim(new ClaimRequest("default", Set.of("resumable"), 1, "dead-node", Duration.ofSeconds(30), t)).get(0);
        store.spawn(parent.lease(), List.of(TestJobs.at(t).type("number").parent(parent).payload("n", 6).build()), InsertOptions.NONE, false);
        store.mergeMeta(parent.lease(), Json.MAPPER.createObjectNode().put("continue_after_children", true), t);
        store.complete(List.of(new Completion(parent.lease(), null, t)));
        Job child = store.claim(new ClaimRequest("default", Set.of("number"), 1, "dead-node", Duration.ofSeconds(30), t)).get(0);
        store.complete(List.of(new Completion(child.lease(), Json.parse("{\"n\":6}"), t)));
        assertThat(store.get(parent.id()).orElseThrow().status()).isEqualTo(WAITING);

        Ordo o = node(c -> c.handler(NUMBER).handler(handler("resumable", ctx -> Map.of("sum", sum(ctx.childResults()), "at", ctx.continuation()))));
        Job done = awaitStatus(o, parent.id(), COMPLETED);
        assertThat(done.result()).isEqualTo(Json.parse("{\"sum\":6,\"at\":1}"));
    }

    @Test
    void childrenEndingOnAnotherNodeContinueTheParentOnTheNodeThatRunsItsType() {
        List<String> ranOn = new CopyOnWriteArrayList<>();
        JobHandler remote = handler("remote", ctx -> {
            ranOn.add(ctx.job().leaseOwner() + ":" + ctx.continuation());
            if (ctx.continuation() == 0) {
                ctx.spawn(numbers(1, 3));
                ctx.continueAfterChildren();
                return null;
            }
            return Map.of("sum", sum(ctx.childResults()));
        });
        Ordo parents = node(c -> c.nodeId("parents").handler(NUMBER).handler(remote).types(List.of("remote")));
        node(c -> c.nodeId("children").handler(NUMBER).handler(remote).types(List.of("number")));
        Job done = awaitStatus(parents, parents.jobs().submit(JobRequest.of("remote")).id(), COMPLETED);
        assertThat(done.result()).isEqualTo(Json.parse("{\"sum\":6}"));
        assertThat(ranOn).containsExactly("parents:0", "parents:1");
        assertThat(parents.jobs().tree(done.id(), null, 10).items()).filteredOn(j -> j.type().equals("number"))
                .hasSize(3).allMatch(j -> "children".equals(j.leaseOwner()));
    }
}
