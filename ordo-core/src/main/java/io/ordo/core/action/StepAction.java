package io.ordo.core.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.ChildPolicy;

import java.util.List;

/**
 * What a step of a job definition does, by its {@code action} name ({@code http}, {@code crawl},
 * ...). A step runs as a step job of type {@code ordo.step.<name>}; the action either does the
 * work and returns the step's result, or spawns child jobs (which the step waits for). Only nodes
 * that register an action run its steps.
 */
public interface StepAction {
    /** The action name used in definitions. */
    String name();

    /**
     * Checks a step's config (variables already substituted, or left as {@code {name}} text when
     * validating a definition). Throw {@link io.ordo.core.InvalidRequestException} with a message
     * naming the field, e.g. {@code "config.url: required"}.
     */
    void validate(JsonNode config);

    /**
     * Runs the step. Throwing fails the step (the definition's {@code on_error} decides what
     * follows; the step job itself is not retried for it). It may run again after a crash, so
     * spawn children with dedup keys.
     */
    Object run(StepContext ctx) throws Exception;

    /** Handlers for the job types this action spawns (e.g. {@code ordo.crawl.page}). */
    default List<JobHandler> childHandlers() {
        return List.of();
    }

    /** Limits for the step's scope derived from its config (e.g. crawl: max_pages, max_depth); null for none. */
    default ChildPolicy scopeLimits(JsonNode config) {
        return null;
    }

    /** The job type of this action's step jobs. */
    static String stepType(String action) {
        return "ordo.step." + action;
    }
}
