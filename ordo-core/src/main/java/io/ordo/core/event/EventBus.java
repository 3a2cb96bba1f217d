package io.ordo.core.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * In-process publication of {@link OrdoEvent}s to listeners. Listeners run on the publishing
 * thread and must be quick (hand off to a queue); one that throws is logged and skipped.
 */
public final class EventBus {
    private static final Logger log = LoggerFactory.getLogger(EventBus.class);
    private final CopyOnWriteArrayList<Consumer<OrdoEvent>> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener; closing the handle removes it. */
    public AutoCloseable subscribe(Consumer<OrdoEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public void publish(OrdoEvent event) {
        for (Consumer<OrdoEvent> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                log.warn("event listener failed on {}", event.type(), e);
            }
        }
    }

    public boolean hasListeners() {
        return !listeners.isEmpty();
    }
}
