package io.ordo.core.event;

/**
 * An event as kept in the store's event log: {@code id} increases with every event appended (ids of
 * transactions that rolled back leave gaps), so a client can resume after the last id it saw.
 */
public record StoredEvent(long id, OrdoEvent event) {
}
