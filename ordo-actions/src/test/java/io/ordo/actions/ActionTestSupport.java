package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.action.StepAction;
import io.ordo.core.definition.JobDefinition;
import io.ordo.core.definition.StepDefinition;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.Page;
import io.ordo.core.store.memory.InMemoryJobStore;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.awaitility.Awaitility.await;

/** A started node on an in-memory store with quick timings, and helpers to run definitions and read their trees. */
abstract class ActionTestSupport {
    protected Ordo ordo;
    protected InMemoryJobStore store;

    protected Ordo node(StepAction... actions) {
        return node(c -> { }, actions);
    }

    protected Ordo node(Consumer<OrdoConfig> tune, StepAction... actions) {
        store = new InMemoryJobStore();
        OrdoConfig c = OrdoConfig.defaults().store(store).queue("default", 16)
                .lease(Duration.ofSeconds(5), Duration.ofSeconds(1))
                .maintenanceInterval(Duration.ofMillis(100)).poll(Duration.ofMillis(100))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .cancelGrace(Duration.ofMillis(300)).shutdownGrace(Duration.ofSeconds(2))
                .monitorSweep(Duration.ofMillis(500));
        for (StepAction a : actions) c.action(a);
        tune.accept(c);
        ordo = Ordo.create(c).start();
        return ordo;
    }

    @AfterEach
    void closeNode() {
        if (ordo != null) ordo.close();
        if (store != null) store.close();
    }

    static ObjectNode cfg(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static ObjectNode cfg(Map<String, ?> map) {
        return Json.MAPPER.valueToTree(map);
    }

    static StepDefinition step(String name, String action, ObjectNode config) {
        return new StepDefinition(name, action, config, List.of(), false, null, null, null, null, null, null, null);
    }

    static StepDefinition step(String name, String action, ObjectNode config, List<String> depends) {
        return new StepDefinition(name, action, config, depends, false, null, null, null, null, null, null, null);
    }

    static StepDefinition tolerant(StepDefinition s, int maxChildFailures, ChildPolicy.Action action) {
        return new StepDefinition(s.name(), s.action(), s.config(), s.depends(), s.alwaysRun(), s.onError(), s.retry(), s.timeout(),
                new StepDefinition.ErrorTolerance(maxChildFailures, action), s.cache(), s.maxChildren(), s.maxDepth());
    }

    /** Starts a run of a definition made of these steps and waits until it is terminal. */
    protected Job run(StepDefinition... steps) {
        return awaitEnd(start(steps));
    }

    protected Job start(StepDefinition... steps) {
        return start(Map.of(), steps);
    }

    /** Starts a run of a definition with these variables ({@code config}) and steps. */
    protected Job start(Map<String, JsonNode> variables, StepDefinition... steps) {
        JobDefinition def = new JobDefinition("test-" + UUID.randomUUID(), "test", null, null, Duration.ofMinutes(2), true, List.of(),
                variables, List.of(steps), false, null);
        return ordo.definitions().run(def);
    }

    protected Job awaitEnd(Job run) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> ordo.jobs().require(run.id()).isTerminal());
        return ordo.jobs().require(run.id());
    }

    /** The (latest) step job named {@code name} of a run. */
    protected Job stepJob(Job run, String name) {
        return all(JobFilter.ALL.withParent(run.id())).stream().filter(j -> name.equals(j.step())).findFirst()
                .orElseThrow(() -> new AssertionError("run " + run.id() + " has no step " + name));
    }

    /** Every job in a step's scope (the step job itself excluded). */
    protected List<Job> scope(Job step) {
        return all(JobFilter.ALL.withScope(step.id())).stream().filter(j -> !j.id().equals(step.id())).toList();
    }

    protected List<Job> all(JobFilter f) {
        List<Job> out = new ArrayList<>();
        String cursor = null;
        do {
            Page<Job> p = ordo.jobs().list(f, cursor, 500);
            out.addAll(p.items());
            cursor = p.nextCursor();
        } while (cursor != null);
        return out;
    }

    protected List<JobLog> logs(UUID id) {
        return ordo.jobs().logs(id, 0, 1000);
    }

    static String text(JsonNode n, String field) {
        return n == null ? null : n.path(field).asText(null);
    }
}
