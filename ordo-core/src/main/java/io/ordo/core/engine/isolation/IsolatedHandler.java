package io.ordo.core.engine.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.Isolation;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.JobTypeOptions;

import java.time.Duration;

/**
 * Stands in for a process-isolated handler on the node: validation and options are the real
 * handler's (it is instantiated on the node too); {@link #run} runs the job in a fresh child JVM.
 */
public final class IsolatedHandler implements JobHandler {
    private final JobHandler handler;
    private final ChildJvm jvm;
    private final Duration killGrace;

    IsolatedHandler(JobHandler handler, ChildJvm jvm, Duration killGrace) {
        this.handler = handler;
        this.jvm = jvm;
        this.killGrace = killGrace;
    }

    /** The handler whose class the child instantiates. */
    public JobHandler handler() {
        return handler;
    }

    @Override
    public String type() {
        return handler.type();
    }

    @Override
    public void validate(JsonNode payload) {
        handler.validate(payload);
    }

    @Override
    public JobTypeOptions options() {
        return handler.options();
    }

    @Override
    public Isolation isolation() {
        return Isolation.PROCESS;
    }

    @Override
    public Object run(JobContext ctx) throws InterruptedException {
        return new ChildRun(ctx, jvm.process(handler.getClass().getName()), killGrace).run();
    }
}
