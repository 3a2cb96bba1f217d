package io.ordo.core.queue;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A broker that carries ready jobs' ids to workers (Redis Streams, RabbitMQ). The store stays the
 * record of every job's state: a worker claims the ids it receives in the store, fenced as always,
 * and acknowledges the messages afterwards. A lost message is found again by the reconciler, and a
 * message for a job that is no longer pending is acknowledged and dropped, so a transport may
 * deliver at least once and lose what a broker restart loses without losing a job.
 *
 * <p>Channels: one per queue and type. A consumer receives only the types it names.
 *
 * <p>Threads: {@link #receive} is called concurrently by several claim loops and may block for up to
 * its {@code wait}; it must not hold up {@link #publish}, {@link #ack} or another receive.
 */
public interface QueueTransport extends AutoCloseable {
    /** "redis", "rabbitmq". */
    String kind();

    /** Where it connects, without credentials (for logs, errors and {@code /ready}). */
    String describe();

    /** Returns when the broker answers; otherwise throws {@link TransportUnavailableException} naming it. */
    void ping();

    /**
     * Stores these messages in the broker before returning (confirmed, so a broker that keeps its
     * data keeps them). Throws {@link TransportUnavailableException} when it could not; the caller
     * relies on the reconciler then.
     */
    void publish(List<QueueMessage> messages);

    /**
     * Up to {@code max} messages of {@code queue} whose type is in {@code types}, waiting up to
     * {@code wait} while there are none. A message delivered here goes to no other consumer until it
     * is acknowledged, unless this consumer is gone: closed, its connection lost, or (where the
     * broker can only tell by silence) holding it unacknowledged for longer than
     * {@link TransportSettings#redeliverAfter()}. Unreadable messages are dead-lettered, never returned.
     */
    List<Delivery> receive(String queue, Set<String> types, int max, Duration wait);

    /** Done with these deliveries: they are removed and not delivered again. */
    void ack(List<Delivery> deliveries);

    /**
     * Gives these deliveries back unhandled (the store could not be reached): another consumer may
     * receive them. By default they come back once this consumer is gone or after
     * {@link TransportSettings#redeliverAfter()}; a broker that can requeue at once should.
     */
    default void release(List<Delivery> deliveries) {
    }

    /**
     * Messages the broker holds for {@code queue}, ready or delivered and not yet acknowledged, over
     * {@code types} and every other type of that queue the transport knows of itself.
     */
    long count(String queue, Set<String> types);

    /** Drops every message of {@code queue} (over {@code types} and those it knows of); returns how many. */
    long purge(String queue, Set<String> types);

    /**
     * Which of {@code jobIds} have a message held in the channel of {@code queue} and {@code type};
     * empty when this transport cannot tell (the reconciler then compares counts).
     */
    Optional<Set<UUID>> held(String queue, String type, Collection<UUID> jobIds);

    @Override
    void close();
}
