package io.ordo.core.event;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Something that happened to a job, for live views (seed 001 "Real-Time Updates").
 *
 * @param type    one of {@link EventTypes}
 * @param rootId  the job's tree, for subscriptions to one run
 * @param payload the fields of the event type (job_id, status, counts, ...), JSON-serializable
 */
public record OrdoEvent(String type, UUID jobId, UUID rootId, Map<String, Object> payload, Instant at) {
    public OrdoEvent {
        payload = Map.copyOf(payload);
    }
}
