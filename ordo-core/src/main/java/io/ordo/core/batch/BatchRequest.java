package io.ordo.core.batch;

import io.ordo.core.model.JobRequest;

import java.util.List;
import java.util.Objects;

/**
 * A batch to submit: its jobs, and the callback jobs to enqueue once every job of it is terminal.
 * {@code onComplete} always runs; {@code onSuccess} when no job failed or was cancelled;
 * {@code onFailure} otherwise. Each callback's payload becomes
 * {@code {batch_id, name, counts, job_ids, failed_ids, cancelled_ids, payload: <its own payload>}}.
 *
 * <pre>{@code
 * Batch b = ordo.jobs().batch(BatchRequest.of(jobs).name("import 42").onSuccess(JobRequest.of("notify")));
 * }</pre>
 */
public final class BatchRequest {
    private final List<JobRequest> jobs;
    private JobRequest onComplete;
    private JobRequest onSuccess;
    private JobRequest onFailure;
    private String name;
    private Object meta;

    private BatchRequest(List<JobRequest> jobs) {
        this.jobs = List.copyOf(Objects.requireNonNull(jobs, "jobs"));
    }

    public static BatchRequest of(List<JobRequest> jobs) {
        return new BatchRequest(jobs);
    }

    public BatchRequest onComplete(JobRequest r) {
        this.onComplete = r;
        return this;
    }

    public BatchRequest onSuccess(JobRequest r) {
        this.onSuccess = r;
        return this;
    }

    public BatchRequest onFailure(JobRequest r) {
        this.onFailure = r;
        return this;
    }

    /** A label shown with the batch (at most 255 characters). */
    public BatchRequest name(String name) {
        this.name = name;
        return this;
    }

    /** Free JSON kept with the batch and shown with it (an object, or null). */
    public BatchRequest meta(Object meta) {
        this.meta = meta;
        return this;
    }

    public List<JobRequest> jobs() { return jobs; }
    public JobRequest onComplete() { return onComplete; }
    public JobRequest onSuccess() { return onSuccess; }
    public JobRequest onFailure() { return onFailure; }
    public String name() { return name; }
    public Object meta() { return meta; }
}
