package io.ordo.core.handler.builtin;

import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;

/** {@code noop}: does nothing; for demos, tests and benchmarks. */
public final class NoopHandler implements JobHandler {
    @Override
    public String type() {
        return "noop";
    }

    @Override
    public Object run(JobContext ctx) {
        return null;
    }
}
