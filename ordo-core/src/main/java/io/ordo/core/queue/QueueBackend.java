package io.ordo.core.queue;

import io.ordo.core.model.Job;
import io.ordo.core.store.ClaimRequest;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Carries ready jobs to workers. The store stays the record of every job's state: a backend only
 * decides which worker gets which job, and the claim itself is a fenced store transition.
 * {@code jdbc} (the default) uses the jobs table as the queue ({@link StoreQueueBackend}); a broker
 * carries it with {@link TransportQueueBackend} over a {@link QueueTransport} (Redis Streams,
 * RabbitMQ).
 */
public interface QueueBackend extends AutoCloseable {
    /** "jdbc", "memory", "redis", "rabbitmq". */
    String kind();

    /** True when the store is the queue (nothing is published; claims read the jobs table). */
    default boolean storeIsQueue() {
        return true;
    }

    /** Jobs were committed to the store; those pending are carried to workers (no-op when the store is the queue). */
    default void publish(List<Job> jobs) {
    }

    /** These jobs became pending (a webhook delivery queued): carry them (no-op when the store is the queue). */
    default void publishReady(List<QueueMessage> messages) {
    }

    /**
     * Claims up to {@code request.limit()} ready jobs for a worker. A transport backend waits up
     * to the node's poll interval for messages; the store backend returns at once.
     */
    List<Job> claim(ClaimRequest request);

    /** Calls {@code listener} with a queue name when jobs may be ready there (to wake idle workers). */
    default void onAvailable(Consumer<String> listener) {
    }

    /** This node became the cluster's leader or stopped being it: the duties that run on the leader look again. */
    default void leadershipChanged() {
    }

    /** Starts what runs in the background (the transport's relay and reconciler); called once. */
    default void start() {
    }

    /** The transport's own count of messages for {@code queue} (empty when the store is the queue). */
    default OptionalLong messages(String queue, Set<String> types) {
        return OptionalLong.empty();
    }

    /** Drops the transport's messages of {@code queue}; returns how many (0 when the store is the queue). */
    default long purge(String queue, Set<String> types) {
        return 0;
    }

    /** Why the transport cannot be used now (for {@code /ready}); empty when it can, or when the store is the queue. */
    default Optional<String> problem() {
        return Optional.empty();
    }

    /** Where the queue is carried, without credentials: "jdbc", "redis://host:6379/0". */
    default String describe() {
        return kind();
    }

    @Override
    void close();
}
