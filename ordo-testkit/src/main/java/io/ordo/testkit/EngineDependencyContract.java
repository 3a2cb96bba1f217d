package io.ordo.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.DependsOn;
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
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code depends_on} with real workers: chains and diamonds run in order, failures skip, a sweep recovers. */
public abstract class EngineDependencyContract {
    protected JobStore store;
    private final List<Ordo> nodes = new ArrayList<>();
    /** Names of the "step" jobs in the order they started. */
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final CountDownLatch gate = new CountDownLatch(1);

    protected abstract JobStore createStore();

    /** Runs after every node and the store are closed (e.g. to drop a test schema). */
    protected void afterStoreClosed() {
    }

    @BeforeEach
    void openStore() {
        store = createStore();
    }

    @AfterEach
    void closeAll() {
        gate.countDown();
        nodes.reversed().forEach(Ordo::close);
        if (store != null) store.close();
        afterStoreClosed();
    }

    private Ordo node(Consumer<OrdoConfig> tune) {
        OrdoConfig c = OrdoConfig.defaults().store(store).queue("default", 8)
                .lease(Duration.ofSeconds(5), Duration.ofSeconds(1))
                .maintenanceInterval(Duration.ofMillis(100)).poll(Duration.ofMillis(100))
                .shutdownGrace(Duration.ofSeconds(2))
                // no sweep unless a test asks for one: releases must come from the node where a job ended
                .monitorSweep(Duration.ofMinutes(10))
                .handler(handler("step", ctx -> {
                    started.add(ctx.payload().path("name").asText());
                    return Map.of("ok", true);
                }))
                .handler(handler("gated", ctx -> {
                    gate.await(20, TimeUnit.SECONDS);
                    return null;
                }))
                .handler(handler("parent", ctx -> {
                    ctx.spawn(JobRequest.of("gated"));
                    return null;
                }))
                .handler(handler("parent-elsewhere", ctx -> {
                    ctx.spawn(JobRequest.of("step").queue("elsewhere")); // no node serves it: stays pending
                    return null;
                }))
                .handler(handler("broken", ctx -> {
                    throw new PermanentFailure("broken on purpose");
                }));
        tune.accept(c);
        Ordo o = Ordo.create(c);
        nodes.add(o);
        return o.start();
    }

    private static JobHandler handler(String type, Body body) {
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

    @FunctionalInterface
    private interface Body {
        Object run(JobContext ctx) throws Exception;
    }

    private static JobRequest step(String name) {
        return JobRequest.of("step").payload(Map.of("name", name));
    }

    private Job awaitStatus(Ordo o, UUID id, JobStatus status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> o.jobs().require(id).status() == status);
        return o.jobs().require(id);
    }

    @Test
    void aChainRunsOneAfterTheOther() {
        Ordo o = node(c -> { });
        List<Job> jobs = o.jobs().submitBatch(List.of(step("a"), step("b").dependsOnItems(0), step("c").dependsOnItems(1)));
        assertThat(jobs).extracting(Job::status).containsExactly(PENDING, WAITING, WAITING);
        assertThat(jobs.get(2).meta().get("depends_on").get(0).asText()).isEqualTo(jobs.get(1).id().toString());
        Job c = awaitStatus(o, jobs.get(2).id(), COMPLETED);
        Job b = o.jobs().require(jobs.get(1).id());
        Job a = o.jobs().require(jobs.get(0).id());
        assertThat(started).containsExactly("a", "b", "c");
        assertThat(b.startedAt()).isAfterOrEqualTo(a.finishedAt());
        assertThat(c.startedAt()).isAfterOrEqualTo(b.finishedAt());
    }

    @Test
    void aDiamondJoinsAfterBothBranches() {
        Ordo o = node(c -> { });
        List<Job> jobs = o.jobs().submitBatch(List.of(step("top"), step("left").dependsOnItems(0),
                step("right").dependsOnItems(0), step("join").dependsOnItems(1, 2)));
        Job join = awaitStatus(o, jobs.get(3).id(), COMPLETED);
        Job left = o.jobs().require(jobs.get(1).id());
        Job right = o.jobs().require(jobs.get(2).id());
        assertThat(started).hasSize(4).startsWith("top").endsWith("join");
        assertThat(join.startedAt()).isAfterOrEqualTo(left.finishedAt()).isAfterOrEqualTo(right.finishedAt());
    }

    @Test
    void aFailingDependencySkipsDownTheChainUnlessRunOnFailure() {
        Ordo o = node(c -> { });
        List<Job> jobs = o.jobs().submitBatch(List.of(JobRequest.of("broken").maxAttempts(1), step("b").dependsOnItems(0),
                step("c").dependsOnItems(1), step("cleanup").dependsOnItems(0).runOnFailure(true)));
        Job c = awaitStatus(o, jobs.get(2).id(), SKIPPED);
        Job b = o.jobs().require(jobs.get(1).id());
        assertThat(b.status()).isEqualTo(SKIPPED);
        assertThat(b.error()).isEqualTo("dependency " + jobs.get(0).id() + " failed");
        assertThat(c.error()).isEqualTo("dependency " + b.id() + " skipped");
        awaitStatus(o, jobs.get(3).id(), COMPLETED);
        assertThat(started).containsExactly("cleanup");
    }

    @Test
    void aJobWaitsOnAnEarlierSubmitAndIsSkippedWhenItIsCancelled() {
        Ordo o = node(c -> { });
        Job slow = o.jobs().submit(JobRequest.of("gated"));
        Job other = o.jobs().submit(JobRequest.of("gated"));
        Job after = o.jobs().submit(step("after").dependsOn(slow.id()));
        Job never = o.jobs().submit(step("never").dependsOn(other.id()));
        assertThat(after.status()).isEqualTo(WAITING);
        assertThat(o.store().dependencies(after.id())).extracting(d -> d.id()).containsExactly(slow.id());
        o.jobs().cancel(other.id());
        assertThat(awaitStatus(o, never.id(), SKIPPED).error()).contains(other.id().toString()).contains("cancelled");
        gate.countDown();
        awaitStatus(o, after.id(), COMPLETED);
        assertThat(started).containsExactly("after");
    }

    @Test
    void cyclesAndUnknownIdsAreRefusedWithNothingWritten() {
        Ordo o = node(c -> { });
        assertThatThrownBy(() -> o.jobs().submitBatch(List.of(step("x").dependsOnItems(2), step("y").dependsOnItems(0),
                step("z").dependsOnItems(1))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("dependency cycle");
        assertThatThrownBy(() -> o.jobs().submitBatch(List.of(step("x"), step("y").dependsOn(UUID.randomUUID()))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("jobs[1].depends_on: no job");
        assertThatThrownBy(() -> o.jobs().submit(step("x").dependsOnItems(0)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("depends_on: a job cannot depend on itself");
        assertThat(o.jobs().stats().total()).isZero();
    }

    @Test
    void aDependantReleasedOnTheNodeWhereItsDependencyEndedRunsOnAnother() {
        Ordo gatedOnly = node(c -> c.nodeId("gated-node").types(List.of("gated")));
        Ordo stepsOnly = node(c -> c.nodeId("step-node").types(List.of("step")));
        Job first = stepsOnly.jobs().submit(JobRequest.of("gated"));
        Job second = stepsOnly.jobs().submit(step("second").dependsOn(first.id()));
        awaitStatus(gatedOnly, first.id(), RUNNING);
        assertThat(first.status()).isEqualTo(PENDING);
        assertThat(stepsOnly.jobs().require(second.id()).status()).isEqualTo(WAITING);
        gate.countDown();
        Job done = awaitStatus(stepsOnly, second.id(), COMPLETED);
        assertThat(gatedOnly.jobs().require(first.id()).leaseOwner()).isEqualTo("gated-node");
        assertThat(done.leaseOwner()).isEqualTo("step-node");
    }

    @Test
    void aParentDependencyReleasesOnlyOnceItsChildrenAreDone() {
        Ordo o = node(c -> { });
        Job parent = o.jobs().submit(JobRequest.of("parent"));
        Job after = o.jobs().submit(step("after-parent").dependsOn(parent.id()));
        awaitStatus(o, parent.id(), WAITING); // its handler returned, its child is gated
        assertThat(o.jobs().require(after.id()).status()).isEqualTo(WAITING);
        assertThat(started).isEmpty();
        gate.countDown();
        awaitStatus(o, after.id(), COMPLETED);
        assertThat(o.jobs().require(after.id()).startedAt()).isAfterOrEqualTo(o.jobs().require(parent.id()).finishedAt());
    }

    @Test
    void cancellingATreeSkipsTheJobsThatDependOnItsDescendants() {
        Ordo o = node(c -> { });
        Job parent = o.jobs().submit(JobRequest.of("parent-elsewhere"));
        awaitStatus(o, parent.id(), WAITING);
        Job child = o.jobs().children(parent.id(), null, 10).items().get(0);
        Job after = o.jobs().submit(step("after-child").dependsOn(child.id()));
        assertThat(after.status()).isEqualTo(WAITING);
        o.jobs().cancel(parent.id());
        assertThat(awaitStatus(o, after.id(), SKIPPED).error()).isEqualTo("dependency " + child.id() + " cancelled");
    }

    @Test
    void theMonitorsSweepNeitherFinishesNorTimesOutAJobWaitingOnDependencies() {
        Ordo o = node(c -> c.monitorSweep(Duration.ofMillis(100)));
        Job first = o.jobs().submit(JobRequest.of("gated"));
        Job after = o.jobs().submit(step("after").dependsOn(first.id()).timeout(Duration.ofMillis(300)));
        // many sweeps pass, well beyond its timeout: its timeout only counts once it runs
        await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(5))
                .until(() -> o.jobs().require(after.id()).status() == WAITING);
        gate.countDown();
        awaitStatus(o, after.id(), COMPLETED);
    }

    @Test
    void theLeadersSweepReleasesADependantNobodyWasToldAbout() {
        // as if the node that ran the dependency died before evaluating its dependants
        Instant now = Instant.now();
        NewJob dep = TestJobs.at(now).type("step").build();
        ObjectNode meta = Json.MAPPER.createObjectNode();
        meta.putArray("depends_on").add(dep.id().toString());
        NewJob waiting = TestJobs.at(now).type("step").payload("name", "late").build().withStatus(WAITING, null, null, meta);
        store.insert(List.of(dep, waiting), InsertOptions.NONE, List.of(new DependsOn(waiting.id(), List.of(dep.id()), false)));
        Job claimed = store.claimIds(new ClaimRequest("default", java.util.Set.of("step"), 1, "gone", Duration.ofSeconds(30), now),
                List.of(dep.id())).get(0);
        store.complete(List.of(new Completion(claimed.lease(), null, now)));
        assertThat(store.get(waiting.id()).orElseThrow().status()).isEqualTo(WAITING);
        Ordo o = node(c -> c.monitorSweep(Duration.ofMillis(200)));
        awaitStatus(o, waiting.id(), COMPLETED);
        assertThat(started).containsExactly("late");
    }
}
