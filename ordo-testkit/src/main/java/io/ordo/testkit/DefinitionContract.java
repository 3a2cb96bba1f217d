package io.ordo.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.ConflictException;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.definition.JobDefinition;
import io.ordo.core.definition.StepDefinition;
import io.ordo.core.definition.StepDefinition.OnError;
import io.ordo.core.event.EventTypes;
import io.ordo.core.event.OrdoEvent;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.ordo.core.model.JobStatus.*;
import static io.ordo.testkit.TestActions.definition;
import static io.ordo.testkit.TestActions.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Job definitions run on a real store: the DAG (order, parallelism, skips, always_run), every error
 * strategy, failure tolerance of fanned-out children, step cache, step and run timeouts, and the
 * tree a run leaves behind.
 */
public abstract class DefinitionContract {
    protected JobStore store;
    protected TestActions actions;
    private final List<Ordo> nodes = new ArrayList<>();

    protected abstract JobStore createStore();

    protected void afterStoreClosed() {
    }

    @BeforeEach
    void open() {
        store = createStore();
        actions = new TestActions();
    }

    @AfterEach
    void close() {
        nodes.reversed().forEach(Ordo::close);
        store.close();
        afterStoreClosed();
    }

    protected Ordo node(int concurrency) {
        return node(concurrency, true);
    }

    protected Ordo node(int concurrency, boolean scheduler) {
        OrdoConfig c = OrdoConfig.defaults().store(store).queue("default", concurrency).poll(Duration.ofMillis(100)).scheduler(scheduler)
                .maintenanceInterval(Duration.ofMillis(100)).monitorSweep(Duration.ofMillis(300))
                .cancelGrace(Duration.ofMillis(200)).shutdownGrace(Duration.ofSeconds(2));
        actions.actions().forEach(c::action);
        Ordo o = Ordo.create(c);
        nodes.add(o);
        return o.start();
    }

    protected Job awaitEnd(Ordo o, Job run) {
        await().atMost(Duration.ofSeconds(30)).until(() -> o.jobs().require(run.id()).isTerminal());
        return o.jobs().require(run.id());
    }

    /** The newest job of each step under a run, by step name. */
    protected Map<String, Job> steps(Ordo o, Job run) {
        Map<String, Job> out = new java.util.HashMap<>();
        for (Job j : o.jobs().children(run.id(), null, 100).items()) out.putIfAbsent(j.step(), j);
        return out;
    }

    private static StepDefinition rec(String name, long ms, String... depends) {
        return step(name, "record").config("ms", ms).depends(depends).build();
    }

    // ---- the DAG --------------------------------------------------------------------------------

    @Test
    void independentStepsRunInParallelAndDependantsWait() {
        Ordo o = node(4);
        Job run = o.definitions().run(definition("dag", List.of(rec("a", 300), rec("b", 300), rec("c", 0, "a", "b"))));
        assertThat(run.status()).isEqualTo(WAITING);
        assertThat(run.type()).isEqualTo("ordo.run");
        Job done = awaitEnd(o, run);
        assertThat(done.status()).isEqualTo(COMPLETED);
        List<String> ev = actions.events;
        assertThat(ev.indexOf("start:b")).as("a and b overlap").isLessThan(ev.indexOf("end:a"));
        assertThat(ev.indexOf("start:c")).isGreaterThan(ev.indexOf("end:a")).isGreaterThan(ev.indexOf("end:b"));
        Map<String, Job> steps = steps(o, run);
        assertThat(steps).hasSize(3);
        assertThat(steps.values()).allSatisfy(s -> {
            assertThat(s.parentId()).isEqualTo(run.id());
            assertThat(s.rootId()).isEqualTo(run.id());
            assertThat(s.depth()).isEqualTo(1);
            assertThat(s.definitionId()).isEqualTo("dag");
            assertThat(s.status()).isEqualTo(COMPLETED);
        });
        assertThat(o.jobs().require(run.id()).progressText()).isEqualTo("0 pending, 0 running, 3 completed, 0 failed");
    }

    @Test
    void readyStepsStartInDeclarationOrder() {
        Ordo o = node(1);
        Job run = o.definitions().run(definition("order", List.of(rec("z", 0), rec("y", 0), rec("x", 0), rec("w", 0))));
        awaitEnd(o, run);
        assertThat(actions.events.stream().filter(e -> e.startsWith("start:"))).containsExactly("start:z", "start:y", "start:x", "start:w");
    }

    @Test
    void aFailedStepSkipsItsDependantsButNotAlwaysRunOnes() {
        Ordo o = node(4);
        Job run = o.definitions().run(definition("skip", List.of(
                step("a", "fail").config("message", "broken").build(),
                rec("b", 0, "a"), rec("c", 0, "b"),
                step("notify", "record").depends("c").alwaysRun().build(),
                rec("independent", 0))));
        Job done = awaitEnd(o, run);
        assertThat(done.status()).isEqualTo(FAILED);
        assertThat(done.error()).contains("step 'a' failed").contains("broken");
        Map<String, Job> s = steps(o, run);
        assertThat(s.get("a").status()).isEqualTo(FAILED);
        assertThat(s.get("b").status()).isEqualTo(SKIPPED);
        assertThat(s.get("c").status()).isEqualTo(SKIPPED);
        assertThat(s.get("c").error()).isEqualTo("run failed at step 'a'");
        assertThat(s.get("notify").status()).isEqualTo(COMPLETED);
        assertThat(actions.events).contains("start:notify").doesNotContain("start:b", "start:c");
    }

    @Test
    void onErrorContinueGoesOnAndWarns() {
        Ordo o = node(4);
        Job run = o.definitions().run(definition("cont", List.of(
                step("a", "fail").onError(OnError.CONTINUE).build(), rec("b", 0, "a"))));
        Job done = awaitEnd(o, run);
        assertThat(done.status()).isEqualTo(COMPLETED);
        assertThat(done.warning()).contains("step 'a' failed (on_error: continue)");
        assertThat(steps(o, run).get("b").status()).isEqualTo(COMPLETED);
    }

    @Test
    void onErrorRetryRunsTheStepAgainThenSucceeds() {
        Ordo o = node(4);
        Job run = o.definitions().run(definition("retry", List.of(
                step("a", "flaky").config("fail", 2).retry(3, Duration.ofMillis(50)).build(), rec("b", 0, "a"))));
        Job done = awaitEnd(o, run);
        assertThat(done.status()).isEqualTo(COMPLETED);
        assertThat(actions.runsOf("a")).isEqualTo(3);
        List<Job> attempts = o.jobs().list(JobFilter.ALL.withParent(run.id()).withType("ordo.step.flaky"), null, 10).items();
        assertThat(attempts).extracting(Job::status).containsExactly(COMPLETED, FAILED, FAILED);
        assertThat(attempts).extracting(Job::dedupKey).containsExactly("step:a#3", "step:a#2", "step:a#1");
    }

    @Test
    void onErrorRetryExhaustedFailsTheRun() {
        Ordo o = node(4);
        Job run = o.definitions().run(definition("retry-out", List.of(
                step("a", "flaky").config("fail", 5).retry(2, Duration.ofMillis(20)).build(), rec("b", 0, "a"))));
        Job done = awaitEnd(o, run);
        assertThat(done.status()).isEqualTo(FAILED);
        assertThat(actions.runsOf("a")).isEqualTo(2);
        assertThat(steps(o, run).get("b").status()).isEqualTo(SKIPPED);
    }

    @Test
    void onErrorFailCancelsWhatStillRuns() {
        Ordo o = node(4);
        Job run = o.definitions().run(definition("fail-fast", List.of(
                rec("slow", 30_000), step("boom", "fail").build(), rec("after", 0, "slow"))));
        Job done = awaitEnd(o, run);
        assertThat(done.status()).isEqualTo(FAILED);
        Map<String, Job> s = steps(o, run);
        assertThat(s.get("slow").status()).isEqualTo(CANCELLED);
        assertThat(s.get("after").status()).isEqualTo(SKIPPED);
    }

    // ---- fan-out and tolerance -------------------------------------------------------------------

    private Job fanout(Ordo o, String id, int n, List<Integer> failing, long ms, Integer tolerance, ChildPolicy.Action action) {
        var b = step("fan", "fanout").config("n", n).config("failing", failing).config("ms", ms);
        if (tolerance != null) b.tolerance(tolerance, action);
        return o.definitions().run(definition(id, List.of(b.build())));
    }

    @Test
    void withoutToleranceAFailedChildFailsTheStep() {
        Ordo o = node(4);
        Job done = awaitEnd(o, fanout(o, "strict", 5, List.of(3), 0, null, null));
        assertThat(done.status()).isEqualTo(FAILED);
        Job fan = steps(o, done).get("fan");
        assertThat(fan.status()).isEqualTo(FAILED);
        assertThat(fan.error()).isEqualTo("1 of 5 children failed");
        assertThat(fan.progressText()).isEqualTo("0 pending, 0 running, 4 completed, 1 failed");
    }

    @Test
    void stopAllCancelsTheRestOnceTheToleranceIsReached() {
        Ordo o = node(4);
        // children 0 and 1 fail at once; the others take long enough to be cancelled
        Job done = awaitEnd(o, fanout(o, "stop", 12, List.of(0, 1), 3_000, 2, ChildPolicy.Action.STOP_ALL));
        Job fan = steps(o, done).get("fan");
        assertThat(fan.status()).isEqualTo(FAILED);
        assertThat(fan.error()).startsWith("stopped: 2 of 12 children failed");
        var counts = o.store().childCounts(fan.id());
        assertThat(counts.get(CANCELLED)).isGreaterThanOrEqualTo(8L);
        assertThat(done.status()).isEqualTo(FAILED);
    }

    @Test
    void markWarningCompletesTheStepWithAWarning() {
        Ordo o = node(4);
        Job done = awaitEnd(o, fanout(o, "warn", 6, List.of(1, 2, 4), 0, 2, ChildPolicy.Action.MARK_WARNING));
        Job fan = steps(o, done).get("fan");
        assertThat(fan.status()).isEqualTo(COMPLETED);
        assertThat(fan.warning()).isEqualTo("3 of 6 children failed (max_child_failures 2)");
        assertThat(done.status()).isEqualTo(COMPLETED);
        assertThat(done.warning()).contains("step 'fan': 3 of 6 children failed");
    }

    @Test
    void toleranceContinueAndFailuresUnderTheLimitAreIgnored() {
        Ordo o = node(4);
        assertThat(awaitEnd(o, fanout(o, "cont", 4, List.of(0, 1, 2), 0, 1, ChildPolicy.Action.CONTINUE)).status()).isEqualTo(COMPLETED);
        assertThat(awaitEnd(o, fanout(o, "under", 4, List.of(0), 0, 2, ChildPolicy.Action.STOP_ALL)).status()).isEqualTo(COMPLETED);
    }

    @Test
    void maxChildrenCapsWhatAStepSpawns() {
        Ordo o = node(4);
        Job run = o.definitions().run(definition("cap", List.of(
                step("fan", "fanout").config("n", 10).config("up_to", true).maxChildren(4).build(),
                step("strict", "fanout").config("n", 10).maxChildren(4).depends("fan").build())));
        Job done = awaitEnd(o, run);
        Map<String, Job> s = steps(o, run);
        assertThat(s.get("fan").status()).isEqualTo(COMPLETED);
        assertThat(s.get("fan").result().get("spawned").asInt()).isEqualTo(4);
        assertThat(o.jobs().children(s.get("fan").id(), null, 100).items()).hasSize(4);
        assertThat(s.get("strict").status()).isEqualTo(FAILED);
        assertThat(s.get("strict").error()).contains("at most 4");
        assertThat(done.status()).isEqualTo(FAILED);
    }

    @Test
    void spawnsAreAnnounced() {
        Ordo o = node(4);
        Job done = awaitEnd(o, fanout(o, "events", 3, List.of(), 0, null, null));
        Job fan = steps(o, done).get("fan");
        // written by the store with each child and step, in the transaction that inserted it (on
        // PostgreSQL readable once every older transaction has ended)
        await().atMost(Duration.ofSeconds(5)).until(() -> store.eventsAfter(0, 10_000).stream()
                .filter(e -> e.event().type().equals(EventTypes.JOB_SPAWN)).count() >= 4);
        List<OrdoEvent> seen = store.eventsAfter(0, 10_000).stream().map(io.ordo.core.event.StoredEvent::event)
                .filter(e -> e.type().equals(EventTypes.JOB_SPAWN)).toList();
        assertThat(seen).filteredOn(e -> fan.id().toString().equals(e.payload().get("parent_id"))).hasSize(3);
        assertThat(seen).filteredOn(e -> "fan".equals(e.payload().get("step"))).hasSize(1);
    }

    // ---- cache, timeouts, overlap, cancel --------------------------------------------------------------

    @Test
    void aCachedStepIsReusedAndMarked() {
        Ordo o = node(4);
        Map<String, JsonNode> vars = Map.of("v", Json.MAPPER.getNodeFactory().textNode("x1"));
        JobDefinition def = definition("cached", null, vars, List.of(
                step("a", "record").config("value", "{v}").cache("a-{v}", Duration.ofMinutes(5)).build()));
        Job first = awaitEnd(o, o.definitions().run(def));
        Job second = awaitEnd(o, o.definitions().run(def));
        assertThat(first.status()).isEqualTo(COMPLETED);
        assertThat(second.status()).isEqualTo(COMPLETED);
        assertThat(actions.runsOf("a")).isEqualTo(1);
        Job cachedStep = steps(o, second).get("a");
        assertThat(cachedStep.meta().get("cached").asBoolean()).isTrue();
        assertThat(cachedStep.meta().get("cached_from").asText()).isEqualTo(steps(o, first).get("a").id().toString());
        assertThat(cachedStep.result().get("value").asText()).isEqualTo("x1");
    }

    @Test
    void aStepTimeoutFailsTheStepAndItsChildren() {
        Ordo o = node(6);
        Job run = o.definitions().run(definition("step-timeout", List.of(
                step("slow", "record").config("ms", 30_000).timeout(Duration.ofMillis(300)).build(),
                // always_run: the failing run does not cancel it, so its own timeout ends it
                step("fan", "fanout").config("n", 3).config("ms", 30_000).timeout(Duration.ofMillis(500)).alwaysRun().build())));
        Job done = awaitEnd(o, run);
        assertThat(done.status()).isEqualTo(FAILED);
        Map<String, Job> s = steps(o, run);
        assertThat(s.get("slow").errors()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo("timeout");
            assertThat(e.message()).isEqualTo("timed out after 300ms");
        });
        assertThat(s.get("slow").attempt()).as("a step's timeout is not retried").isEqualTo(1);
        assertThat(s.get("fan").status()).isEqualTo(FAILED);
        assertThat(s.get("fan").error()).contains("timed out");
        await().atMost(Duration.ofSeconds(10)).until(() ->
                o.jobs().children(s.get("fan").id(), null, 10).items().stream().allMatch(Job::isTerminal));
    }

    @Test
    void aRunTimeoutStopsTheWholeRun() {
        Ordo o = node(4);
        Job run = o.definitions().run(definition("run-timeout", Duration.ofMillis(500), Map.of(), List.of(rec("slow", 30_000))));
        Job done = awaitEnd(o, run);
        assertThat(done.status()).isEqualTo(FAILED);
        assertThat(done.error()).contains("timed out");
        await().atMost(Duration.ofSeconds(10)).until(() -> steps(o, run).get("slow").status() == CANCELLED);
    }

    @Test
    void runsDoNotOverlapUnlessAllowed() {
        Ordo o = node(4);
        JobDefinition def = definition("single", List.of(rec("slow", 1_000)));
        Job first = o.definitions().run(def);
        assertThatThrownBy(() -> o.definitions().run(def)).isInstanceOf(ConflictException.class).hasMessageContaining(first.id().toString());
        JobDefinition overlapping = new JobDefinition("multi", "multi", null, null, null, true, List.of(), Map.of(), def.steps(), true, null);
        Job a = o.definitions().run(overlapping);
        Job b = o.definitions().run(overlapping);
        assertThat(a.id()).isNotEqualTo(b.id());
        awaitEnd(o, first);
        assertThat(awaitEnd(o, o.definitions().run(def)).status()).isEqualTo(COMPLETED);
    }

    @Test
    void cancellingARunCancelsItsWholeTree() {
        Ordo o = node(4);
        Job run = o.definitions().run(definition("cancel-me", List.of(
                step("fan", "fanout").config("n", 3).config("ms", 30_000).build(), rec("later", 0, "fan"))));
        await().atMost(Duration.ofSeconds(10)).until(() -> o.store().treeCounts(run.id()).getOrDefault(RUNNING, 0L) >= 3);
        o.jobs().cancel(run.id());
        Job done = awaitEnd(o, run);
        assertThat(done.status()).isEqualTo(CANCELLED);
        await().atMost(Duration.ofSeconds(10)).until(() -> o.store().treeCounts(run.id()).keySet().stream().allMatch(JobStatus::isTerminal));
        assertThat(actions.events).doesNotContain("start:later");
    }

    @Test
    void aStoredDefinitionRunsByIdAndRecordsItsVersion() {
        Ordo o = node(4);
        o.definitions().save(definition("stored", List.of(rec("a", 0))), "yaml", "id: stored\n");
        Job done = awaitEnd(o, o.definitions().run("stored"));
        assertThat(done.status()).isEqualTo(COMPLETED);
        assertThat(done.payload().get("version").asInt()).isEqualTo(1);
        assertThat(done.definitionId()).isEqualTo("stored");
        UUID id = done.id();
        assertThat(o.jobs().list(JobFilter.ALL.withRoot(id), null, 10).items()).hasSize(2);
    }

    // ---- schedules -----------------------------------------------------------------------------------

    private List<Job> runsOf(Ordo o, String definitionId) {
        return o.jobs().list(JobFilter.ALL.withType("ordo.run"), null, 100).items().stream()
                .filter(j -> definitionId.equals(j.definitionId())).toList();
    }

    private static JobDefinition scheduled(String id, boolean enabled, StepDefinition... steps) {
        return new JobDefinition(id, id, null, "* * * * *", null, enabled, List.of(), Map.of(), List.of(steps), false, null);
    }

    @Test
    void aTickStartsOneRunHoweverManyNodesSeeIt() {
        Ordo a = node(4, false);
        Ordo b = node(4, false);
        var onA = new io.ordo.core.definition.DefinitionScheduler(store, a.definitions().runner(), java.time.Clock.systemUTC(), true);
        var onB = new io.ordo.core.definition.DefinitionScheduler(store, b.definitions().runner(), java.time.Clock.systemUTC(), true);
        var saved = a.definitions().save(scheduled("minutely", true, rec("a", 0)), "yaml", "");
        java.time.Instant next = saved.updatedAt().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
        assertThat(io.ordo.core.definition.DefinitionScheduler.lastTick("* * * * *", next.plusSeconds(5))).contains(next);
        onA.tick(next.minusSeconds(61)); // before the definition was saved: never fires
        assertThat(runsOf(a, "minutely")).isEmpty();
        onA.tick(next.plusSeconds(1));
        onB.tick(next.plusSeconds(2));
        onA.tick(next.plusSeconds(30));
        assertThat(runsOf(a, "minutely")).hasSize(1);
        Job first = runsOf(a, "minutely").get(0);
        assertThat(first.payload().get("trigger").asText()).isEqualTo("schedule");
        assertThat(first.payload().get("tick").asText()).isEqualTo(next.toString());
        awaitEnd(a, first);
        onB.tick(next.plusSeconds(61));
        assertThat(runsOf(a, "minutely")).hasSize(2);
        assertThat(store.lastTick("minutely")).contains(next.plusSeconds(60));
    }

    @Test
    void aRunStillGoingAtTheNextTickIsNotStartedTwiceAndDisabledDefinitionsDoNotFire() {
        Ordo o = node(4, false);
        var scheduler = new io.ordo.core.definition.DefinitionScheduler(store, o.definitions().runner(), java.time.Clock.systemUTC(), true);
        var saved = o.definitions().save(scheduled("long-one", true, rec("slow", 30_000)), "yaml", "");
        o.definitions().save(scheduled("switched-off", false, rec("a", 0)), "yaml", "");
        java.time.Instant next = saved.updatedAt().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plusSeconds(60);
        scheduler.tick(next.plusSeconds(1));
        scheduler.tick(next.plusSeconds(61));
        scheduler.tick(next.plusSeconds(121));
        assertThat(runsOf(o, "long-one")).hasSize(1);
        assertThat(store.lastTick("long-one")).as("the skipped ticks are used up").contains(next.plusSeconds(120));
        assertThat(runsOf(o, "switched-off")).isEmpty();
        o.jobs().cancel(runsOf(o, "long-one").get(0).id());
    }
    @Test
    void aDefinitionsScheduleIsReadInItsTimezoneAcrossSpringForward() {
        Ordo o = node(4, false);
        var scheduler = new io.ordo.core.definition.DefinitionScheduler(store, o.definitions().runner(), java.time.Clock.systemUTC(), true);
        // 02:30 does not exist in Berlin on 2027-03-28 (02:00 CET -> 03:00 CEST): the tick runs once, at 03:30 CEST
        o.definitions().save(new JobDefinition("berlin-night", "berlin-night", null, "30 2 * * *", null, true, List.of(), Map.of(),
                List.of(rec("a", 0)), false, null, "Europe/Berlin"), "yaml", "");
        // the first pass starts the newest tick since the save (the 27th's 02:30 CET); let it end, as a run
        // still going at the next tick would hold that tick back (no overlap)
        scheduler.tick(java.time.Instant.parse("2027-03-27T23:00:00Z"));
        assertThat(runsOf(o, "berlin-night")).hasSize(1);
        awaitEnd(o, runsOf(o, "berlin-night").get(0));
        for (java.time.Instant at = java.time.Instant.parse("2027-03-27T23:05:00Z"); at.isBefore(java.time.Instant.parse("2027-03-28T03:00:00Z"));
             at = at.plusSeconds(300)) {
            scheduler.tick(at);
        }
        // then the shifted one, once
        assertThat(runsOf(o, "berlin-night")).extracting(run -> run.payload().get("tick").asText())
                .containsExactlyInAnyOrder("2027-03-27T01:30:00Z", "2027-03-28T01:30:00Z");
        assertThat(o.definitions().nextRunAt(store.getDefinition("berlin-night").orElseThrow())).isPresent();
    }
}
