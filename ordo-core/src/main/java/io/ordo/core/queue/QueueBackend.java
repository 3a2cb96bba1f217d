package io.ordo.core.queue;

import io.ordo.core.model.Job;
import io.ordo.core.store.ClaimRequest;

import java.util.List;
import java.util.function.Consumer;

/**
 * Carries ready jobs to workers. The store stays the source of truth for job state: a backend
 * only decides which worker gets which job, and the claim itself is a fenced store transition.
 * {@code jdbc} (the default) uses the jobs table as the queue; Redis Streams and RabbitMQ
 * backends plug in here.
 */
public interface QueueBackend extends AutoCloseable {
    /** "jdbc", "memory", "redis", "rabbitmq". */
    String kind();

    /** Jobs were committed to the store and may be ready: carry them (no-op when the store is the queue). */
    default void publish(List<Job> jobs) {
    }

    /** Claims up to {@code request.limit()} ready jobs for a worker. */
    List<Job> claim(ClaimRequest request);

    /** Calls {@code listener} with a queue name when jobs may be ready there (to wake idle workers). */
    default void onAvailable(Consumer<String> listener) {
    }

    @Override
    void close();
}
