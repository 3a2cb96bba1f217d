package io.ordo.core.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.ConflictException;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepHandler;
import io.ordo.core.definition.StepDefinition.OnError;
import io.ordo.core.engine.Backoff;
import io.ordo.core.engine.JobMonitor;
import io.ordo.core.model.ChildCounts;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.Page;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;
import io.ordo.core.util.Uuids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Runs job definitions. A run is a durable root job (type {@value #RUN_TYPE}) that starts
 * {@code waiting}: its steps are its children, and each step's action spawns the step's own
 * children. All state lives in the store, so any node can move a run on and a run survives the
 * death of every node: whenever a step ends, the {@link JobMonitor} calls {@link #evaluate}, which
 * creates the steps whose dependencies are done (in declaration order; step jobs carry a dedup key
 * per attempt, so two nodes advancing at once create each step once), records skipped steps,
 * retries failed steps, cancels what runs when a step fails the run, and ends the run.
 */
public final class DefinitionRunner implements JobMonitor.ParentEvaluator {
    public static final String RUN_TYPE = JobStore.RUN_TYPE;
    private static final Logger log = LoggerFactory.getLogger(DefinitionRunner.class);

    private final JobStore store;
    private final Map<String, StepAction> actions;
    private final java.util.function.Supplier<InsertOptions> insertOptions;
    private final Clock clock;
    private final Consumer<List<Job>> onInserted;
    private JobMonitor monitor;

    /**
     * @param actions    the step actions known here (for each step's scope limits)
     * @param onInserted told about created jobs (to wake local workers)
     */
    public DefinitionRunner(JobStore store, Map<String, StepAction> actions, java.util.function.Supplier<InsertOptions> insertOptions, Clock clock,
                            Consumer<List<Job>> onInserted) {
        this.store = store;
        this.actions = actions;
        this.insertOptions = insertOptions;
        this.clock = clock;
        this.onInserted = onInserted;
    }

    /** The monitor that calls {@link #evaluate} (it also takes runs just started). */
    public void attach(JobMonitor monitor) {
        this.monitor = monitor;
        monitor.register(RUN_TYPE, this);
    }

    // ---- starting a run -----------------------------------------------------------------------

    /**
     * Starts a run of {@code def} now and returns its root job.
     *
     * @throws ConflictException when the definition does not allow overlap and a run of it is live
     */
    public Job start(JobDefinition def, int version, String trigger) {
        NewJob run = runJob(def, version, trigger, null);
        SubmitResult r = store.insert(List.of(run), insertOptions.get()).get(0);
        if (!r.created()) {
            throw new ConflictException("definition '" + def.id() + "' has a run still going (" + r.job().id()
                    + "); it does not allow overlapping runs (allow_overlap: true)");
        }
        begun(r.job());
        return r.job();
    }

    /**
     * Starts the run of schedule tick {@code tick}, at most once per tick across all nodes. Empty when
     * the tick was taken already, or when a run of a definition without overlap is still going.
     */
    public Optional<Job> startForTick(JobDefinition def, int version, Instant tick) {
        List<SubmitResult> r = store.insertForTick(def.id(), tick, List.of(runJob(def, version, "schedule", tick)), insertOptions.get());
        if (r.isEmpty()) return Optional.empty();
        if (!r.get(0).created()) {
            log.warn("definition {}: tick {} skipped, run {} is still going", def.id(), tick, r.get(0).job().id());
            return Optional.empty();
        }
        begun(r.get(0).job());
        return Optional.of(r.get(0).job());
    }

    private NewJob runJob(JobDefinition def, int version, String trigger, Instant tick) {
        Instant now = clock.instant();
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.set("definition", Json.MAPPER.valueToTree(def));
        payload.put("version", version);
        payload.put("trigger", trigger);
        if (tick != null) payload.put("tick", tick.toString());
        return new NewJob(Uuids.v7(), RUN_TYPE, "default", 0, payload, JobStatus.WAITING, 1, now, def.timeout(), null, null,
                def.id(), null, 0, null, def.allowOverlap() ? null : RUN_TYPE + ":" + def.id(), null, def.tags(), null, null, now,
                null, null, null, null, null, null, def.webhookUrl());
    }

    private void begun(Job run) {
        log.info("run {} of definition {} started", run.id(), run.definitionId());
        monitor.check(run.id()); // creates the first steps; the sweep does it if this node dies first
    }

    // ---- moving a run on ------------------------------------------------------------------------

    /** The steps of one run as the store has them: the newest attempt of each, and how many attempts. */
    private record StepState(Job latest, int attempts) {
    }

    @Override
    public void evaluate(Job run, ChildCounts children, JobMonitor monitor) {
        if (run.status() != JobStatus.WAITING) return;
        JobDefinition def = Json.convert(run.payload().get("definition"), JobDefinition.class);
        Map<String, StepState> states = stepStates(run);
        Instant now = clock.instant();
        String failedStep = failingStep(def, states);
        List<NewJob> create = new ArrayList<>();
        boolean pendingWork = false;
        for (StepDefinition s : def.steps()) {
            StepState st = states.get(s.name());
            if (st == null) {
                if (failedStep != null && !s.alwaysRun()) {
                    create.add(skipped(run, def, s, "run failed at step '" + failedStep + "'", now));
                    continue;
                }
                String blocker = null;
                boolean ready = true;
                for (String dep : s.depends()) {
                    StepState d = states.get(dep);
                    if (d == null || !settled(def.step(dep), d)) {
                        ready = false;
                        break;
                    }
                    if (!satisfied(def.step(dep), d) && blocker == null) blocker = dep;
                }
                if (!ready) {
                    pendingWork = true;
                } else if (blocker != null && !s.alwaysRun()) {
                    create.add(skipped(run, def, s, "dependency '" + blocker + "' " + states.get(blocker).latest().status().wireName(), now));
                } else {
                    create.add(stepJob(run, def, s, 1, now, now));
                    pendingWork = true;
                }
            } else if (!st.latest().isTerminal()) {
                pendingWork = true;
            } else if (retryDue(s, st)) {
                Duration wait = Backoff.delay(st.attempts(), s.retryOrDefault().backoff(), Duration.ofHours(1));
                create.add(stepJob(run, def, s, st.attempts() + 1, now, now.plus(wait)));
                pendingWork = true;
            }
        }
        if (!create.isEmpty()) insertSteps(run, create);
        if (failedStep != null) cancelLiveSteps(def, states, monitor);
        if (!pendingWork && children.live() == 0) finishRun(run, def, states, failedStep, monitor);
    }

    private Map<String, StepState> stepStates(Job run) {
        Map<String, StepState> out = new HashMap<>();
        String cursor = null;
        do {
            Page<Job> page = store.list(JobFilter.ALL.withParent(run.id()), cursor, 500);
            for (Job j : page.items()) {
                if (j.step() == null) continue;
                int attempt = attemptOf(j);
                StepState prev = out.get(j.step());
                if (prev == null || attemptOf(prev.latest()) < attempt) {
                    out.put(j.step(), new StepState(j, Math.max(attempt, prev == null ? 0 : prev.attempts())));
                }
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return out;
    }

    private static int attemptOf(Job step) {
        String k = step.dedupKey();
        return k == null ? 1 : Integer.parseInt(k.substring(k.lastIndexOf('#') + 1));
    }

    /** The first step (in order) whose failure fails the run, or null. */
    private static String failingStep(JobDefinition def, Map<String, StepState> states) {
        for (StepDefinition s : def.steps()) {
            StepState st = states.get(s.name());
            if (st == null) continue;
            JobStatus status = st.latest().status();
            boolean bad = status == JobStatus.FAILED || status == JobStatus.CANCELLED;
            if (bad && s.onError() != OnError.CONTINUE && !retryDue(s, st)) return s.name();
        }
        return null;
    }

    /** A failed step with retries left under {@code on_error: retry}. */
    private static boolean retryDue(StepDefinition s, StepState st) {
        return s.onError() == OnError.RETRY && st.latest().status() == JobStatus.FAILED && st.attempts() < s.retryOrDefault().maxAttempts();
    }

    /** Done for good: terminal and not about to be retried. */
    private static boolean settled(StepDefinition s, StepState st) {
        return st.latest().isTerminal() && !retryDue(s, st);
    }

    /** Good enough for its dependants: completed, or failed under {@code on_error: continue}. */
    private static boolean satisfied(StepDefinition s, StepState st) {
        JobStatus status = st.latest().status();
        return status == JobStatus.COMPLETED || (status == JobStatus.FAILED && s.onError() == OnError.CONTINUE);
    }

    private void insertSteps(Job run, List<NewJob> steps) {
        List<SubmitResult> results = store.insert(steps, insertOptions.get());
        List<Job> created = results.stream().filter(SubmitResult::created).map(SubmitResult::job).toList();
        onInserted.accept(created);
        // a step recorded as skipped or answered from the cache ends without any worker: look again
        if (monitor != null && created.stream().anyMatch(Job::isTerminal)) monitor.check(run.id());
        for (Job j : created) { // their job_spawn events were written by the store with the steps
            log.info("run {}: step {} {}", run.id(), j.step(), j.status() == JobStatus.PENDING ? "started"
                    : j.status() == JobStatus.SCHEDULED ? "retry scheduled at " + j.runAt() : j.status().wireName());
        }
    }

    private NewJob skipped(Job run, JobDefinition def, StepDefinition s, String why, Instant now) {
        return base(run, def, s, 1, now, now, Json.MAPPER.createObjectNode()).withStatus(JobStatus.SKIPPED, null, why, null);
    }

    private NewJob stepJob(Job run, JobDefinition def, StepDefinition s, int attempt, Instant now, Instant runAt) {
        JsonNode config = Variables.substitute(s.config() == null ? Json.MAPPER.createObjectNode() : s.config(), def.config(),
                "steps." + s.name() + ".config");
        NewJob job = base(run, def, s, attempt, now, runAt, config);
        if (s.cache() != null) {
            String key = cacheKey(def, s);
            Optional<Job> hit = store.findCached(key, now);
            if (hit.isPresent()) {
                ObjectNode meta = Json.MAPPER.createObjectNode().put("cached", true).put("cached_from", hit.get().id().toString());
                return job.withStatus(JobStatus.COMPLETED, hit.get().result(), null, meta);
            }
        }
        return job;
    }

    private static String cacheKey(JobDefinition def, StepDefinition s) {
        JsonNode k = Variables.substitute(Json.MAPPER.getNodeFactory().textNode(s.cache().key()), def.config(), "steps." + s.name() + ".cache.key");
        return "step:" + s.action() + ":" + k.asText();
    }

    private NewJob base(Job run, JobDefinition def, StepDefinition s, int attempt, Instant now, Instant runAt, JsonNode config) {
        StepAction action = actions.get(s.action());
        ChildPolicy limits = null;
        if (action != null) limits = action.scopeLimits(config);
        else log.warn("run {}: action '{}' is not registered on this node; step '{}' gets no action limits", run.id(), s.action(), s.name());
        ChildPolicy policy = policy(s, limits);
        UUID id = Uuids.v7();
        return new NewJob(id, StepAction.stepType(s.action()), "default", 0, StepHandler.payload(config),
                runAt.isAfter(now) ? JobStatus.SCHEDULED : JobStatus.PENDING, StepHandler.CRASH_ATTEMPTS, runAt, s.timeout(),
                run.id(), run.id(), def.id(), s.name(), 1, s.cache() == null ? null : s.cache().ttl(), null,
                s.cache() == null ? null : cacheKey(def, s), List.of(), null, null, now,
                id, "step:" + s.name() + "#" + attempt, policy, null, null, null, null,
                s.requires() == null ? "" : io.ordo.core.model.Capabilities.of(s.requires(), "requires").canonical());
    }

    /** The step's failure tolerance plus the tighter of its own and its action's scope limits. */
    private static ChildPolicy policy(StepDefinition s, ChildPolicy actionLimits) {
        Integer maxChildren = min(s.maxChildren(), actionLimits == null ? null : actionLimits.maxChildren());
        Integer maxDepth = min(s.maxDepth(), actionLimits == null ? null : actionLimits.maxDepth());
        StepDefinition.ErrorTolerance t = s.errorTolerance();
        if (t == null && maxChildren == null && maxDepth == null) return null;
        return new ChildPolicy(t == null ? null : t.maxChildFailures(), t == null ? null : t.action(), maxChildren, maxDepth);
    }

    private static Integer min(Integer a, Integer b) {
        return a == null ? b : b == null ? a : Integer.valueOf(Math.min(a, b));
    }

    /** The run is failing: stop the steps that still run (always_run steps go on). */
    private static void cancelLiveSteps(JobDefinition def, Map<String, StepState> states, JobMonitor monitor) {
        for (StepDefinition s : def.steps()) {
            StepState st = states.get(s.name());
            if (st != null && !st.latest().isTerminal() && !s.alwaysRun() && !st.latest().cancelRequested()) {
                monitor.cancel(st.latest().id());
            }
        }
    }

    private void finishRun(Job run, JobDefinition def, Map<String, StepState> states, String failedStep, JobMonitor monitor) {
        // states may predate the steps created in this pass; read them again before deciding
        Map<String, StepState> now = stepStates(run);
        if (now.size() < def.steps().size() || now.values().stream().anyMatch(st -> !st.latest().isTerminal())) return;
        List<String> warnings = new ArrayList<>();
        for (StepDefinition s : def.steps()) {
            Job j = now.get(s.name()).latest();
            if (j.status() == JobStatus.FAILED && s.onError() == OnError.CONTINUE) warnings.add("step '" + s.name() + "' failed (on_error: continue)");
            if (j.warning() != null) warnings.add("step '" + s.name() + "': " + j.warning());
        }
        String warning = warnings.isEmpty() ? null : String.join("; ", warnings);
        if (failedStep == null) {
            monitor.finish(run, JobStatus.COMPLETED, null, warning);
        } else {
            Job f = now.get(failedStep).latest();
            String why = "step '" + failedStep + "' " + f.status().wireName() + (f.error() == null ? "" : ": " + f.error());
            monitor.finish(run, JobStatus.FAILED, why, warning);
        }
    }

    /** Parses a stored definition's spec (as saved by the definitions service). */
    public static JobDefinition definition(StoredDefinition d) {
        try {
            return Json.MAPPER.treeToValue(d.spec(), JobDefinition.class);
        } catch (Exception e) {
            throw new InvalidRequestException("definition '" + d.id() + "' cannot be read: " + e.getMessage());
        }
    }
}
