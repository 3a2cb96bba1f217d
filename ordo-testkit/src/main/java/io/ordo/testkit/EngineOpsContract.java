package io.ordo.testkit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ordo.core.Jobs;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.event.EventTypes;
import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.ops.BulkResult;
import io.ordo.core.ops.NodeView;
import io.ordo.core.ops.QueueStats;
import io.ordo.core.store.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Operating a node on a real store: pausing queues, queue stats, the cluster view, the events the
 * engine publishes (and writes to the store's event log), bulk actions, trees and results, meters.
 */
public abstract class EngineOpsContract {
    protected JobStore store;
    private final List<Ordo> nodes = new ArrayList<>();

    protected abstract JobStore createStore();

    protected void afterStoreClosed() {
    }

    @BeforeEach
    void open() {
        store = createStore();
    }

    @AfterEach
    void close() {
        nodes.reversed().forEach(Ordo::close);
        store.close();
        afterStoreClosed();
    }

    protected Ordo node(Consumer<OrdoConfig> tune) {
        OrdoConfig c = OrdoConfig.defaults().store(store).queue("default", 4).queue("mail", 2).poll(Duration.ofMillis(100))
                .maintenanceInterval(Duration.ofMillis(100)).lease(Duration.ofSeconds(5), Duration.ofSeconds(1));
        tune.accept(c);
        Ordo o = Ordo.create(c);
        nodes.add(o);
        return o.start();
    }

    private static Job awaitStatus(Ordo o, Job j, JobStatus s) {
        await().atMost(Duration.ofSeconds(20)).until(() -> o.jobs().require(j.id()).status() == s);
        return o.jobs().require(j.id());
    }

    private static JobHandler handler(String type, EngineContract.HandlerBody body) {
        return new JobHandler() {
            @Override public String type() { return type; }
            @Override public Object run(JobContext ctx) throws Exception { return body.run(ctx); }
        };
    }

    @Test
    void aPausedQueueKeepsItsJobsUntilResumed() {
        Ordo o = node(c -> { });
        o.queues().pause("mail");
        Job held = o.jobs().submit(JobRequest.of("noop").queue("mail"));
        Job other = o.jobs().submit(JobRequest.of("noop"));
        awaitStatus(o, other, COMPLETED);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> o.jobs().require(held.id()).status() == PENDING);
        assertThat(o.queues().stats()).filteredOn(q -> q.queue().equals("mail")).singleElement()
                .satisfies(q -> assertThat(q.paused()).isTrue());
        o.queues().resume("mail");
        awaitStatus(o, held, COMPLETED);
    }

    @Test
    void queueStatsCountWhatRanAndHowSoonItStarted() {
        Ordo o = node(c -> { });
        List<JobRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 20; i++) reqs.add(JobRequest.of("noop"));
        reqs.add(JobRequest.of("fail").maxAttempts(1));
        o.jobs().submitBatch(reqs);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            QueueStats q = o.queues().stats().stream().filter(s -> s.queue().equals("default")).findFirst().orElseThrow();
            return q.completedLastMinute() == 20 && q.failedLastMinute() == 1;
        });
        QueueStats q = o.queues().stats().stream().filter(s -> s.queue().equals("default")).findFirst().orElseThrow();
        assertThat(q.completedLastHour()).isEqualTo(20);
        assertThat(q.throughputPerSecond()).isCloseTo(20 / 60.0, org.assertj.core.data.Offset.offset(0.001));
        assertThat(q.startLatencyP50Ms()).isNotNull();
        assertThat(q.startLatencyP95Ms()).isGreaterThanOrEqualTo(q.startLatencyP50Ms());
        assertThat(q.pending()).isZero();
        assertThat(q.paused()).isFalse();
    }

    @Test
    void nodesReportThemselvesAliveAndStopped() {
        Ordo a = node(c -> c.nodeId("node-a"));
        Ordo b = node(c -> c.nodeId("node-b").workers(false));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.cluster().nodes().size() == 2);
        NodeView va = a.cluster().nodes().stream().filter(n -> n.node().id().equals("node-a")).findFirst().orElseThrow();
        assertThat(va.state()).isEqualTo(NodeView.ALIVE);
        assertThat(va.node().queues()).containsExactly("default", "mail");
        assertThat(va.node().types()).contains("noop", "sleep", "fail");
        assertThat(va.node().slots()).isEqualTo(6);
        NodeView vb = a.cluster().nodes().stream().filter(n -> n.node().id().equals("node-b")).findFirst().orElseThrow();
        assertThat(vb.node().slots()).isZero();
        b.close();
        assertThat(a.cluster().nodes()).filteredOn(n -> n.node().id().equals("node-b")).singleElement()
                .satisfies(n -> assertThat(n.state()).isEqualTo(NodeView.STOPPED));
    }

    private static io.ordo.core.ops.NodeCommand awaitOrder(Ordo o, io.ordo.core.ops.NodeCommand c) {
        await().atMost(Duration.ofSeconds(10)).until(() -> o.cluster().commands().get(c.id()).orElseThrow().finishedAt() != null);
        return o.cluster().commands().get(c.id()).orElseThrow();
    }

    private static String state(Ordo o, String node) {
        return o.cluster().nodes().stream().filter(n -> n.node().id().equals(node)).findFirst().orElseThrow().state();
    }

    @Test
    void aDrainedNodeFinishesItsRunningJobsAndClaimsNothingNewUntilResumed() {
        Ordo a = node(c -> c.nodeId("node-a"));
        Ordo b = node(c -> c.nodeId("node-b").workers(false));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.cluster().nodes().size() == 2);
        Job running = a.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 1500)));
        awaitStatus(a, running, RUNNING);

        var drain = awaitOrder(a, b.cluster().commands().send("node-a", io.ordo.core.ops.NodeCommand.DRAIN, Map.of()));
        assertThat(drain.status()).isEqualTo("done");
        assertThat(drain.takenBy()).isEqualTo("node-a");
        assertThat(a.cluster().draining()).isTrue();
        assertThat(state(b, "node-a")).isEqualTo(NodeView.DRAINING);
        Job held = a.jobs().submit(JobRequest.of("noop").queue("mail"));
        awaitStatus(a, running, COMPLETED);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> a.jobs().require(held.id()).status() == PENDING);

        var resume = awaitOrder(a, b.cluster().commands().send("node-a", io.ordo.core.ops.NodeCommand.RESUME, Map.of()));
        assertThat(resume.status()).isEqualTo("done");
        awaitStatus(a, held, COMPLETED);
        assertThat(state(b, "node-a")).isEqualTo(NodeView.ALIVE);
    }

    @Test
    void anEmbeddedNodeAnswersLaunchAndStopOrdersWithAnErrorAndOrdersToAbsentNodesAreRefused() {
        Ordo a = node(c -> c.nodeId("node-a"));
        Ordo gone = node(c -> c.nodeId("node-gone").workers(false));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.cluster().nodes().size() == 2);
        var launch = awaitOrder(a, a.cluster().commands().send("node-a", io.ordo.core.ops.NodeCommand.LAUNCH,
                Map.of("concurrency", 2, "queues", List.of(), "capabilities", Map.of())));
        assertThat(launch.status()).isEqualTo("failed");
        assertThat(launch.error()).isEqualTo("this node cannot launch workers: it is an embedded node");
        var stop = awaitOrder(a, a.cluster().commands().send("node-a", io.ordo.core.ops.NodeCommand.STOP, Map.of()));
        assertThat(stop.status()).isEqualTo("failed");
        assertThat(stop.error()).contains("embedded node");
        assertThat(state(a, "node-a")).isEqualTo(NodeView.ALIVE); // still running

        gone.close();
        assertThatThrownBy(() -> a.cluster().commands().send("node-gone", io.ordo.core.ops.NodeCommand.DRAIN, Map.of()))
                .isInstanceOf(io.ordo.core.ConflictException.class).hasMessageContaining("node 'node-gone' is stopped");
        assertThatThrownBy(() -> a.cluster().commands().send("nobody", io.ordo.core.ops.NodeCommand.DRAIN, Map.of()))
                .isInstanceOf(io.ordo.core.OrdoException.class).hasMessageContaining("no node 'nobody'")
                .satisfies(e -> assertThat(((io.ordo.core.OrdoException) e).code()).isEqualTo("not_found"));
    }

    @Test
    void theEnginePublishesStatusProgressLogAndResultEventsAndLogsThem() {
        List<OrdoEvent> seen = new CopyOnWriteArrayList<>();
        Ordo o = node(c -> c.handler(handler("chatty", ctx -> {
            for (int i = 1; i <= 50; i++) ctx.progress(i, 50, "step " + i);
            ctx.info("hello");
            return Map.of("ok", true);
        })));
        o.events().subscribe(seen::add); // what the node publishes itself; the store writes the rest
        Job j = o.jobs().submit(JobRequest.of("chatty"));
        Job f = o.jobs().submit(JobRequest.of("fail").maxAttempts(1));
        awaitStatus(o, j, COMPLETED);
        awaitStatus(o, f, FAILED);
        // on PostgreSQL an event is read once every transaction older than its own has ended
        await().atMost(Duration.ofSeconds(5)).until(() -> store.eventsAfter(0, 10_000).stream().anyMatch(e ->
                f.id().equals(e.event().jobId()) && "failed".equals(e.event().payload().get("status"))));
        List<OrdoEvent> stored = store.eventsAfter(0, 10_000).stream().map(StoredEvent::event).toList();
        assertThat(stored).filteredOn(e -> e.type().equals(EventTypes.JOB_STATUS_CHANGE) && j.id().equals(e.jobId()))
                .extracting(e -> e.payload().get("status")).containsExactly("running", "completed");
        assertThat(stored).filteredOn(e -> e.type().equals(EventTypes.JOB_STATUS_CHANGE) && f.id().equals(e.jobId()))
                .extracting(e -> e.payload().get("status")).containsExactly("running", "failed");
        assertThat(stored).anyMatch(e -> e.type().equals(EventTypes.JOB_LOG) && "hello".equals(e.payload().get("message")));
        List<OrdoEvent> progress = seen.stream().filter(e -> e.type().equals(EventTypes.TASK_PROGRESS) && j.id().equals(e.jobId())).toList();
        assertThat(progress).as("throttled: at most a few per second, the last always").hasSizeBetween(1, 10);
        assertThat(progress.getLast().payload().get("current")).isEqualTo(50L);
        assertThat(seen).anyMatch(e -> e.type().equals(EventTypes.RESULT_SAVED) && j.id().equals(e.jobId()));
        // the node's own events reach the store's event log too, all in one order
        await().atMost(Duration.ofSeconds(10)).until(() -> store.eventsAfter(0, 10_000).stream()
                .anyMatch(e -> e.event().type().equals(EventTypes.RESULT_SAVED) && j.id().equals(e.event().jobId())));
        List<StoredEvent> logged = store.eventsAfter(0, 10_000);
        for (int i = 1; i < logged.size(); i++) assertThat(logged.get(i).id()).isGreaterThan(logged.get(i - 1).id());
    }

    @Test
    void bulkActionsReportWhatTheyCouldNotDo() {
        Ordo o = node(c -> c.queue("held", 0));
        List<Job> held = o.jobs().submitBatch(List.of(JobRequest.of("noop").queue("held"), JobRequest.of("noop").queue("held"),
                JobRequest.of("noop").queue("held")));
        Job done = awaitStatus(o, o.jobs().submit(JobRequest.of("noop")), COMPLETED);
        BulkResult cancel = o.jobs().bulk(Jobs.BulkAction.CANCEL, JobFilter.status(PENDING).withQueue("held"), 100);
        assertThat(cancel.matched()).isEqualTo(3);
        assertThat(cancel.succeeded()).isEqualTo(3);
        BulkResult restart = o.jobs().bulk(Jobs.BulkAction.RESTART, List.of(held.get(0).id(), done.id()));
        assertThat(restart.succeeded()).isEqualTo(1);
        assertThat(restart.failed()).singleElement().satisfies(x -> {
            assertThat(x.jobId()).isEqualTo(done.id());
            assertThat(x.code()).isEqualTo("conflict");
        });
        BulkResult delete = o.jobs().bulk(Jobs.BulkAction.DELETE, List.of(held.get(1).id(), held.get(2).id()));
        assertThat(delete.succeeded()).isEqualTo(2);
        assertThat(o.jobs().get(held.get(1).id())).isEmpty();
    }

    @Test
    void aTreeAndItsResultsCanBeRead() {
        Ordo o = node(c -> c.handler(handler("parent", ctx -> {
            ctx.spawn(List.of(JobRequest.of("saver"), JobRequest.of("noop"), JobRequest.of("saver")));
            ctx.saveResult(Map.of("spawned", 3), "spawned", null);
            return Map.of("returned", true); // the main result: not among the saved ones
        })).handler(handler("saver", ctx -> {
            ctx.saveResult(Map.of("n", 1), "first", "x");
            ctx.saveResult(Map.of("n", 2), "second", "y");
            return null;
        })));
        Job p = awaitStatus(o, o.jobs().submit(JobRequest.of("parent")), COMPLETED);
        assertThat(o.jobs().tree(p.id(), null, 100).items()).hasSize(4);
        List<io.ordo.core.model.SavedResult> results = o.jobs().results(p.id(), null, 100).items();
        assertThat(results).hasSize(5).anyMatch(r -> r.jobId().equals(p.id()) && "spawned".equals(r.title()));
        assertThat(results).extracting(io.ordo.core.model.SavedResult::id).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(o.jobs().resultCount(p.id())).isEqualTo(5);
        assertThat(p.result()).isEqualTo(io.ordo.core.util.Json.parse("{\"returned\":true}"));
        assertThat(o.jobs().treeCounts(p.id()).get(COMPLETED)).isEqualTo(3);
        assertThat(o.jobs().childCounts(p.id()).total()).isEqualTo(3);
    }

    @Test
    void metersCountJobsAndTimeThem() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Ordo o = node(c -> c.meterRegistry(meters));
        awaitStatus(o, o.jobs().submit(JobRequest.of("noop")), COMPLETED);
        awaitStatus(o, o.jobs().submit(JobRequest.of("fail").maxAttempts(1)), FAILED);
        await().atMost(Duration.ofSeconds(5)).until(() -> meters.find("ordo.jobs.completed").tag("queue", "default").counter() != null
                && meters.find("ordo.jobs.failed").tag("queue", "default").counter() != null);
        assertThat(meters.get("ordo.jobs.completed").tag("queue", "default").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("ordo.jobs.failed").tag("queue", "default").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("ordo.job.run").tag("queue", "default").timer().count()).isEqualTo(2);
        assertThat(meters.get("ordo.job.start.latency").tag("queue", "default").timer().count()).isEqualTo(2);
        assertThat(meters.get("ordo.worker.utilization").tag("queue", "default").gauge().value()).isBetween(0.0, 1.0);
        await().atMost(Duration.ofSeconds(10)).until(() -> meters.find("ordo.jobs").tag("queue", "default").tag("state", "completed").gauge() != null
                && meters.get("ordo.jobs").tag("queue", "default").tag("state", "completed").gauge().value() == 1.0);
    }
}
