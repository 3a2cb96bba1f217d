package io.ordo.core.engine;

import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;

import java.time.Instant;

/** How the node words a failed attempt in the job's error history. */
final class AttemptErrors {
    private AttemptErrors() {
    }

    static AttemptError timeout(Job job, Instant now) {
        return new AttemptError(job.attempt(), job.leaseOwner(), now, AttemptError.TIMEOUT,
                "timed out after " + io.ordo.core.util.Durations.format(job.timeout()));
    }

    static String describe(Throwable t) {
        if ((t instanceof io.ordo.core.handler.PermanentFailure || t instanceof io.ordo.core.engine.isolation.IsolatedFailure)
                && t.getMessage() != null) return t.getMessage(); // already worded
        String msg = t.getMessage();
        String s = t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        if (t.getCause() != null && t.getCause() != t && t.getCause().getMessage() != null) {
            s += " (caused by " + t.getCause().getClass().getSimpleName() + ": " + t.getCause().getMessage() + ")";
        }
        return s.length() > 4000 ? s.substring(0, 4000) + "…" : s;
    }
}
