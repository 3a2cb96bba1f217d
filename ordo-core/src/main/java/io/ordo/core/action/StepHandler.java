package io.ordo.core.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.JobCancelledException;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.JobTypeOptions;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.LogLevel;
import io.ordo.core.model.Page;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Json;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Runs the step jobs of one {@link StepAction} (type {@code ordo.step.<action>}). The step job's
 * payload is {@code {"config": {...}}} with variables already substituted. A failing action fails
 * the step job for good: retrying a step is the definition's business ({@code on_error: retry}
 * starts a new step job); the step job's own attempts only absorb crashes of the node running it.
 */
public final class StepHandler implements JobHandler {
    /** Attempts of a step job: more than one so that a crashed node's step is taken over. */
    public static final int CRASH_ATTEMPTS = 3;

    private final StepAction action;
    private final JobStore store;

    public StepHandler(StepAction action, JobStore store) {
        this.action = action;
        this.store = store;
    }

    @Override
    public String type() {
        return StepAction.stepType(action.name());
    }

    @Override
    public void validate(JsonNode payload) {
        action.validate(payload.path("config"));
    }

    @Override
    public JobTypeOptions options() {
        return new JobTypeOptions(CRASH_ATTEMPTS, null, Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    @Override
    public Object run(JobContext ctx) throws Exception {
        try {
            return action.run(new Context(ctx));
        } catch (io.ordo.core.LeaseLostException | PermanentFailure e) {
            throw e;
        } catch (InterruptedException | JobCancelledException e) {
            // a cancel, a lost lease or a shutdown is handled by the pool before it looks at this;
            // what is left is the step's timeout, which must not be retried either
            throw new PermanentFailure(action.name() + ": interrupted (" + e.getMessage() + ")", e);
        } catch (Exception e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new PermanentFailure(action.name() + ": " + msg, e);
        }
    }

    public StepAction action() {
        return action;
    }

    /** The step's view: its config as payload, and the results of earlier steps of its run. */
    private final class Context implements StepContext {
        private final JobContext job;

        Context(JobContext job) {
            this.job = job;
        }

        @Override public Job job() { return job.job(); }
        @Override public JsonNode payload() { return job.payload().path("config"); }
        @Override public <T> T payload(Class<T> type) { return Json.convert(payload(), type); }
        @Override public void log(LogLevel level, String message) { job.log(level, message); }
        @Override public void progress(long current, long total, String text) { job.progress(current, total, text); }
        @Override public List<Job> spawn(List<JobRequest> children) { return job.spawn(children); }
        @Override public List<Job> spawnUpTo(List<JobRequest> children) { return job.spawnUpTo(children); }
        @Override public void saveResult(Object result) { job.saveResult(result); }
        @Override public void saveResult(Object result, Duration ttl) { job.saveResult(result, ttl); }
        @Override public void saveResult(Object data, String title, String reference, Duration ttl) { job.saveResult(data, title, reference, ttl); }
        @Override public boolean isCancelled() { return job.isCancelled(); }
        @Override public UUID runId() { return job.job().rootId(); }
        @Override public String definitionId() { return job.job().definitionId(); }
        @Override public String stepName() { return job.job().step(); }
        @Override public JobStore store() { return store; }

        @Override
        public int attempt() {
            String k = job.job().dedupKey();
            int hash = k == null ? -1 : k.lastIndexOf('#');
            return hash < 0 ? job.attempt() : Integer.parseInt(k.substring(hash + 1));
        }

        @Override
        public Page<Job> results(String stepName, String cursor, int limit) {
            Job step = latestStep(runId(), stepName);
            return store.list(JobFilter.ALL.withScope(step.id()), cursor, limit);
        }
    }

    /** The newest finished step job named {@code stepName} directly under {@code runId}. */
    static Job latestStep(JobStore store, UUID runId, String stepName) {
        String cursor = null;
        do {
            Page<Job> page = store.list(JobFilter.ALL.withParent(runId), cursor, 100);
            for (Job j : page.items()) { // newest first
                if (stepName.equals(j.step()) && j.isTerminal()) return j;
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        throw new io.ordo.core.InvalidRequestException("run " + runId + " has no finished step '" + stepName + "'");
    }

    private Job latestStep(UUID runId, String stepName) {
        return latestStep(store, runId, stepName);
    }

    /** The payload of a step job running {@code config}. */
    public static JsonNode payload(JsonNode config) {
        return Json.MAPPER.createObjectNode().set("config", config);
    }
}
