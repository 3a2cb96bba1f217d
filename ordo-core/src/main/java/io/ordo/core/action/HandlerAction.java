package io.ordo.core.action;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.JobHandler;

/**
 * Any job type as a step action: the step's config is the job's payload. This is how the built-in
 * {@code noop}, {@code sleep} and {@code fail} are usable as steps.
 */
public final class HandlerAction implements StepAction {
    private final JobHandler handler;

    public HandlerAction(JobHandler handler) {
        this.handler = handler;
    }

    @Override
    public String name() {
        return handler.type();
    }

    @Override
    public void validate(JsonNode config) {
        handler.validate(config);
    }

    @Override
    public Object run(StepContext ctx) throws Exception {
        return handler.run(ctx);
    }
}
