package io.ordo.core.queue;

/**
 * A message handed to one consumer and not yet acknowledged.
 *
 * @param message what was published
 * @param receipt the transport's own handle for acknowledging it (a stream entry id, a delivery
 *                tag): opaque to everyone else
 */
public record Delivery(QueueMessage message, String receipt) {
}
