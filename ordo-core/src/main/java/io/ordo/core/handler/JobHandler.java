package io.ordo.core.handler;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs jobs of one type. A node claims only jobs whose type has a handler registered on it.
 * {@link #run} may be called again for the same job (at-least-once): make it idempotent or use a
 * unique key.
 */
public interface JobHandler {
    /** The job type this handler runs, e.g. {@code "send-email"}. */
    String type();

    /**
     * Checks a payload at submit time; throw {@link io.ordo.core.InvalidRequestException} with a
     * message naming the field to reject the submit.
     */
    default void validate(JsonNode payload) {
    }

    /**
     * Does the work. The returned value (if not null) becomes the job's result. Throwing fails the
     * attempt (retried per the retry policy). Long work should check {@link JobContext#isCancelled()};
     * the thread is interrupted on timeout and after the cancel grace period.
     */
    Object run(JobContext ctx) throws Exception;

    /** Defaults for jobs of this type (max attempts, timeout, backoff). */
    default JobTypeOptions options() {
        return JobTypeOptions.DEFAULTS;
    }

    /**
     * Where this type's jobs run (default in the node's JVM). A node can also isolate a type it
     * cannot change with {@code OrdoConfig.isolate(type)} ({@code --isolate TYPE}).
     */
    default Isolation isolation() {
        return Isolation.IN_PROCESS;
    }
}
