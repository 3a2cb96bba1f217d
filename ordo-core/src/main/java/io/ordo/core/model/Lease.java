package io.ordo.core.model;

import java.util.Objects;
import java.util.UUID;

/**
 * The fencing token of a running job: its id, the worker that claimed it and the attempt number.
 * Every write a worker makes for a running job names its lease; the store rejects it once the
 * lease was taken over (expired and re-claimed, cancelled, or handed back).
 */
public record Lease(UUID jobId, String owner, int attempt) {
    public Lease {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(owner, "owner");
    }
}
