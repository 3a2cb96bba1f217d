package io.ordo.core.schedule;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.UUID;

/**
 * A recurring plain job: on each tick of {@code cron} (read in {@code timezone}) a job of {@code type}
 * with {@code payload} is submitted to {@code queue}. {@code updatedAt} is also where ticking starts:
 * ticks before a schedule was created, saved or resumed never run.
 *
 * @param priority   the jobs' priority, or null for the default
 * @param timezone   an IANA zone id; "UTC" by default
 * @param nextRunAt  the next tick, null while paused
 * @param lastRunAt  the tick (or, for a manual run, the instant) of the newest job it started
 * @param lastJobId  that job
 */
public record Schedule(String id, String type, String queue, JsonNode payload, Integer priority, String cron, String timezone,
                       MissedPolicy missed, boolean paused, Instant nextRunAt, Instant lastRunAt, UUID lastJobId,
                       Instant createdAt, Instant updatedAt) {

    /** The key of this schedule's ticks in the tick table it shares with definitions. */
    public static String tickKey(String id) {
        return "schedule:" + id;
    }

    public Schedule withNextRunAt(Instant next) {
        return new Schedule(id, type, queue, payload, priority, cron, timezone, missed, paused, next, lastRunAt, lastJobId,
                createdAt, updatedAt);
    }
}
