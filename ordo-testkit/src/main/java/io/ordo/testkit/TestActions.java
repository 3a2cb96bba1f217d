package io.ordo.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.definition.JobDefinition;
import io.ordo.core.definition.StepDefinition;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.model.JobRequest;
import io.ordo.core.util.Json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Step actions for definition tests, recording what they did: {@code record} (sleeps
 * {@code config.ms}, logs its start and end), {@code flaky} (fails its first {@code config.fail}
 * runs per {@code config.key}), {@code fanout} (spawns {@code config.n} children of type
 * {@code child}; those listed in {@code config.failing} fail, each sleeps {@code config.ms}).
 */
public final class TestActions {
    public final List<String> events = new CopyOnWriteArrayList<>();
    public final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    public List<StepAction> actions() {
        return List.of(new Record(), new Flaky(), new Fanout());
    }

    public int runsOf(String key) {
        return runs.getOrDefault(key, new AtomicInteger()).get();
    }

    private final class Record implements StepAction {
        @Override public String name() { return "record"; }
        @Override public void validate(JsonNode config) { }

        @Override
        public Object run(StepContext ctx) throws InterruptedException {
            events.add("start:" + ctx.stepName());
            runs.computeIfAbsent(ctx.stepName(), k -> new AtomicInteger()).incrementAndGet();
            long ms = ctx.config().path("ms").asLong(0);
            long end = System.nanoTime() + ms * 1_000_000;
            while (System.nanoTime() < end) {
                ctx.checkCancelled();
                Thread.sleep(Math.min(20, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
            events.add("end:" + ctx.stepName());
            return Map.of("step", ctx.stepName(), "value", ctx.config().path("value").asText(""));
        }
    }

    private final class Flaky implements StepAction {
        @Override public String name() { return "flaky"; }
        @Override public void validate(JsonNode config) { }

        @Override
        public Object run(StepContext ctx) {
            String key = ctx.config().path("key").asText(ctx.stepName());
            int n = runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            events.add("flaky:" + key + ":" + n);
            if (n <= ctx.config().path("fail").asInt(0)) throw new IllegalStateException("flaky run " + n + " of " + key);
            return Map.of("run", n);
        }
    }

    private final class Fanout implements StepAction {
        @Override public String name() { return "fanout"; }
        @Override public void validate(JsonNode config) { }

        @Override
        public Object run(StepContext ctx) {
            int n = ctx.config().path("n").asInt();
            List<Integer> failing = new ArrayList<>();
            ctx.config().path("failing").forEach(f -> failing.add(f.asInt()));
            List<JobRequest> kids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ObjectNode p = Json.MAPPER.createObjectNode().put("i", i).put("fail", failing.contains(i))
                        .put("ms", ctx.config().path("ms").asLong(0));
                kids.add(JobRequest.of("child").payload(p).dedupKey(ctx.id() + ":" + i).maxAttempts(1));
            }
            int made = ctx.config().path("up_to").asBoolean(false) ? ctx.spawnUpTo(kids).size() : ctx.spawn(kids).size();
            return Map.of("spawned", made);
        }

        @Override
        public List<JobHandler> childHandlers() {
            return List.of(new Child());
        }
    }

    private final class Child implements JobHandler {
        @Override public String type() { return "child"; }

        @Override
        public Object run(JobContext ctx) throws InterruptedException {
            long ms = ctx.payload().path("ms").asLong(0);
            long end = System.nanoTime() + ms * 1_000_000;
            while (System.nanoTime() < end) {
                ctx.checkCancelled();
                Thread.sleep(10);
            }
            if (ctx.payload().path("fail").asBoolean()) {
                throw new PermanentFailure("child " + ctx.payload().path("i").asInt() + " failed on purpose");
            }
            events.add("child:" + ctx.payload().path("i").asInt());
            return Map.of("i", ctx.payload().path("i").asInt());
        }
    }

    // ---- building definitions in tests ----------------------------------------------------------

    public static JobDefinition definition(String id, List<StepDefinition> steps) {
        return new JobDefinition(id, id, null, null, null, true, List.of(), Map.of(), steps, false, null);
    }

    public static JobDefinition definition(String id, Duration timeout, Map<String, JsonNode> vars, List<StepDefinition> steps) {
        return new JobDefinition(id, id, null, null, timeout, true, List.of(), vars, steps, false, null);
    }

    public static StepBuilder step(String name, String action) {
        return new StepBuilder(name, action);
    }

    /** Readable step definitions for tests. */
    public static final class StepBuilder {
        private final String name;
        private final String action;
        private ObjectNode config = Json.MAPPER.createObjectNode();
        private List<String> depends = List.of();
        private boolean alwaysRun;
        private StepDefinition.OnError onError;
        private StepDefinition.RetrySpec retry;
        private Duration timeout;
        private StepDefinition.ErrorTolerance tolerance;
        private StepDefinition.CacheSpec cache;
        private Integer maxChildren;

        private StepBuilder(String name, String action) {
            this.name = name;
            this.action = action;
        }

        public StepBuilder config(String key, Object value) {
            config.set(key, Json.MAPPER.valueToTree(value));
            return this;
        }

        public StepBuilder depends(String... steps) {
            depends = List.of(steps);
            return this;
        }

        public StepBuilder alwaysRun() {
            alwaysRun = true;
            return this;
        }

        public StepBuilder onError(StepDefinition.OnError e) {
            onError = e;
            return this;
        }

        public StepBuilder retry(int maxAttempts, Duration backoff) {
            onError = StepDefinition.OnError.RETRY;
            retry = new StepDefinition.RetrySpec(maxAttempts, backoff);
            return this;
        }

        public StepBuilder timeout(Duration d) {
            timeout = d;
            return this;
        }

        public StepBuilder tolerance(int max, io.ordo.core.model.ChildPolicy.Action a) {
            tolerance = new StepDefinition.ErrorTolerance(max, a);
            return this;
        }

        public StepBuilder cache(String key, Duration ttl) {
            cache = new StepDefinition.CacheSpec(key, ttl);
            return this;
        }

        public StepBuilder maxChildren(int n) {
            maxChildren = n;
            return this;
        }

        public StepDefinition build() {
            return new StepDefinition(name, action, config, depends, alwaysRun, onError, retry, timeout, tolerance, cache, maxChildren, null);
        }
    }
}
