package io.ordo.core.asjob;

import io.ordo.core.model.Job;

import java.time.Duration;
import java.util.UUID;

/**
 * A job enqueued by an {@link AsJob} call, typed by its result. {@link #await()} waits for the job
 * to end and gives its result, or throws {@link JobFailedException} (failed, cancelled),
 * {@link ResultExpiredException} (the result outlived its TTL) or {@link AwaitTimeoutException}.
 *
 * <p>The implementation of an {@code @AsJob} method declared to return {@code JobHandle<R>} hands
 * its value back with {@link #completed(Object)}, as with {@code CompletableFuture.completedFuture}:
 * <pre>{@code
 * public JobHandle<Summary> summarize(Document doc, int maxWords) {
 *     return JobHandle.completed(new Summary(...));
 * }
 * }</pre>
 *
 * @param <R> the result type
 */
public interface JobHandle<R> {
    /** The job's id. */
    UUID id();

    /** The job's current state, read from the store. */
    Job job();

    /** Waits until the job ends, however long that takes. */
    R await();

    /** Waits at most {@code timeout} for the job to end. */
    R await(Duration timeout);

    /** Whether the job has ended (completed, failed, cancelled or skipped). */
    default boolean isDone() {
        return job().isTerminal();
    }

    /** Requests cancellation of the job (and its descendants); a running call is interrupted. */
    void cancel();

    /**
     * A value the implementation of an {@code @AsJob} method returns; it becomes the job's result.
     * It has no job: {@link #await()} gives the value, the other methods throw.
     */
    static <R> JobHandle<R> completed(R value) {
        return new CompletedJobHandle<>(value);
    }
}
