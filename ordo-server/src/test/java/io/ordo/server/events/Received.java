package io.ordo.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** What a test client received: the envelopes {@code {id, type, payload}} in arrival order. */
public final class Received {
    public record Event(long id, String type, JsonNode payload, JsonNode envelope) {
        public String jobId() {
            return payload.path("job_id").asText(null);
        }
    }

    public final List<Event> events = new CopyOnWriteArrayList<>();
    final List<String> control = new CopyOnWriteArrayList<>();

    void add(String json) {
        try {
            JsonNode n = ApiJson.read(json);
            if (n.has("id")) events.add(new Event(n.path("id").asLong(), n.path("type").asText(), n.path("payload"), n));
            else control.add(json); // subscribed / error answers of the WebSocket
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Event> of(String type) {
        return events.stream().filter(e -> e.type().equals(type)).toList();
    }

    public boolean any(Predicate<Event> p) {
        return events.stream().anyMatch(p);
    }

    long lastId() {
        return events.isEmpty() ? 0 : events.getLast().id();
    }
}
