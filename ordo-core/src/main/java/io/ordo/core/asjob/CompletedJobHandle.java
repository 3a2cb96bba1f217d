package io.ordo.core.asjob;

import io.ordo.core.model.Job;

import java.time.Duration;
import java.util.UUID;

/** What {@link JobHandle#completed(Object)} makes: a value on its way to becoming a job's result. */
final class CompletedJobHandle<R> implements JobHandle<R> {
    private final R value;

    CompletedJobHandle(R value) {
        this.value = value;
    }

    R value() {
        return value;
    }

    @Override
    public UUID id() {
        throw noJob();
    }

    @Override
    public Job job() {
        throw noJob();
    }

    @Override
    public R await() {
        return value;
    }

    @Override
    public R await(Duration timeout) {
        return value;
    }

    @Override
    public boolean isDone() {
        return true;
    }

    @Override
    public void cancel() {
        throw noJob();
    }

    private static IllegalStateException noJob() {
        return new IllegalStateException("JobHandle.completed(value) wraps a result and has no job; "
                + "call the method through AsJobs.proxy(...) to get a handle of a job");
    }

    @Override
    public String toString() {
        return "JobHandle.completed(" + value + ")";
    }
}
