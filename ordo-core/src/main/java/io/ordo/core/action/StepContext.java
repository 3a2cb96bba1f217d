package io.ordo.core.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.JobContext;
import io.ordo.core.model.Job;
import io.ordo.core.model.Page;

import java.util.UUID;

/**
 * A {@link JobContext} for a step job, with the step's view of its run. {@link #payload()} is the
 * step's config with variables substituted.
 */
public interface StepContext extends JobContext {
    /** The step's config (same as {@link #payload()}). */
    default JsonNode config() {
        return payload();
    }

    /** The run (root job) this step belongs to. */
    UUID runId();

    String definitionId();

    String stepName();

    /**
     * The jobs of an earlier step of this run that hold a result — the step job itself and its
     * descendants, newest first — one keyset page at a time.
     *
     * @throws io.ordo.core.InvalidRequestException when the run has no finished step of that name
     */
    Page<Job> results(String stepName, String cursor, int limit);

    /** The store of this node, for actions that maintain it (e.g. {@code maintenance}). */
    io.ordo.core.store.JobStore store();

    /**
     * The attempt of the step within its run: 1, then 2, 3... for each retry of {@code on_error: retry}
     * (each retry is a new step job, so {@code job().attempt()} counts crash recoveries only).
     */
    @Override
    int attempt();
}
