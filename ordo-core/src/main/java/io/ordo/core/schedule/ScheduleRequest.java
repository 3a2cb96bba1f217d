package io.ordo.core.schedule;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a caller asks for when creating (or replacing) a schedule; see {@link Schedules#create}.
 *
 * @param queue    null for "default"
 * @param payload  null for {@code {}}
 * @param priority null for the default
 * @param timezone an IANA zone id, null for UTC
 * @param missed   "run_once" (default, also null) or "skip"
 */
public record ScheduleRequest(String id, String type, String cron, String queue, JsonNode payload, Integer priority, String timezone,
                              String missed) {

    public static ScheduleRequest of(String id, String type, String cron) {
        return new ScheduleRequest(id, type, cron, null, null, null, null, null);
    }

    public ScheduleRequest queue(String q) {
        return new ScheduleRequest(id, type, cron, q, payload, priority, timezone, missed);
    }

    public ScheduleRequest payload(JsonNode p) {
        return new ScheduleRequest(id, type, cron, queue, p, priority, timezone, missed);
    }

    public ScheduleRequest priority(Integer p) {
        return new ScheduleRequest(id, type, cron, queue, payload, p, timezone, missed);
    }

    public ScheduleRequest timezone(String z) {
        return new ScheduleRequest(id, type, cron, queue, payload, priority, z, missed);
    }

    public ScheduleRequest missed(String m) {
        return new ScheduleRequest(id, type, cron, queue, payload, priority, timezone, m);
    }
}
