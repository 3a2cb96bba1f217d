package io.ordo.core.model;

import io.ordo.core.OrdoException;

/** A status change that the state machine does not allow, e.g. completed -> running. */
public class IllegalTransitionException extends OrdoException {
    private final JobStatus from;
    private final JobStatus to;

    public IllegalTransitionException(String jobId, JobStatus from, JobStatus to) {
        super("illegal_transition", "job " + jobId + ": cannot go from " + from.wireName() + " to " + to.wireName());
        this.from = from;
        this.to = to;
    }

    public JobStatus from() {
        return from;
    }

    public JobStatus to() {
        return to;
    }
}
