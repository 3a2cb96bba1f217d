package io.ordo.core.engine;

import io.ordo.core.event.EventBus;
import io.ordo.core.event.EventTypes;
import io.ordo.core.event.OrdoEvent;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Publishes {@code job_status_change} events for the jobs this node runs. Every attempt that ends
 * is published (completed, failed, retry scheduled, cancelled); the start of a job only with
 * {@code all} (at high rates that doubles the event log's writes for little).
 */
public final class StatusEvents implements JobObserver {
    private final EventBus bus;
    private final boolean starts;

    public StatusEvents(EventBus bus, boolean starts) {
        this.bus = bus;
        this.starts = starts;
    }

    @Override
    public void claimed(Job job, Instant now) {
        if (starts) publish(bus, job, JobStatus.RUNNING, null, now);
    }

    @Override
    public void ended(Job job, JobStatus status, String error, Instant now) {
        publish(bus, job, status, error, now);
    }

    public static void publish(EventBus bus, Job job, JobStatus status, String error, Instant now) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("job_id", job.id().toString());
        if (job.parentId() != null) p.put("parent_id", job.parentId().toString());
        p.put("root_id", job.rootId().toString());
        p.put("type", job.type());
        p.put("job_type", job.type());
        p.put("queue", job.queue());
        p.put("status", status.wireName());
        p.put("attempt", job.attempt());
        p.put("max_attempts", job.maxAttempts());
        if (error != null) p.put("error", error);
        p.put("timestamp", now.toString());
        bus.publish(new OrdoEvent(EventTypes.JOB_STATUS_CHANGE, job.id(), job.rootId(), p, now));
    }
}
