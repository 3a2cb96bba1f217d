package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.schedule.Schedule;
import io.ordo.core.schedule.ScheduleRequest;
import io.ordo.core.schedule.Schedules;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recurring plain jobs:
 * <ul>
 * <li>{@code GET /api/schedules} → 200 {@code {schedules: [schedule]}}, by id.</li>
 * <li>{@code POST /api/schedules} with {@code {id, type, cron, queue?, payload?, priority?, timezone?, missed?}}
 *     → 201 the schedule (created or replaced). Bad input → 400 naming the field; nothing is written.</li>
 * <li>{@code GET|DELETE /api/schedules/{id}} → 200 the schedule / {@code {id, deleted: true}}; 404 if unknown.</li>
 * <li>{@code POST /api/schedules/{id}/pause|resume} → 200 the schedule; {@code POST /api/schedules/{id}/run} →
 *     201 the job submitted now ({@code meta.manual}).</li>
 * </ul>
 */
public final class ScheduleRoutes implements RouteGroup {
    private static final Set<String> FIELDS = Set.of("id", "type", "cron", "queue", "payload", "priority", "timezone", "missed");
    /** The core's messages start with the field at fault ("cron: ..."), or name it first ("queue 'x y' is invalid"). */
    private static final Pattern FIELD = Pattern.compile("^(id|type|cron|timezone|missed|queue|payload|priority)\\b");

    private final Schedules schedules;
    private final int maxBodyBytes;

    public ScheduleRoutes(Schedules schedules, int maxBodyBytes) {
        this.schedules = schedules;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/schedules", this::list);
        routes.post("/api/schedules", this::create);
        routes.get("/api/schedules/{id}", ctx -> send(ctx, 200, schedules.require(id(ctx))));
        routes.delete("/api/schedules/{id}", this::delete);
        routes.post("/api/schedules/{id}/pause", ctx -> {
            RequestBodies.none(ctx, maxBodyBytes);
            send(ctx, 200, schedules.pause(id(ctx)));
        });
        routes.post("/api/schedules/{id}/resume", ctx -> {
            RequestBodies.none(ctx, maxBodyBytes);
            send(ctx, 200, schedules.resume(id(ctx)));
        });
        routes.post("/api/schedules/{id}/run", ctx -> {
            RequestBodies.none(ctx, maxBodyBytes);
            JobRoutes.send(ctx, 201, JobJson.job(schedules.run(id(ctx))));
        });
    }

    private void list(Context ctx) {
        QueryParams.of(ctx, Set.of());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode list = body.putArray("schedules");
        schedules.list().forEach(s -> list.add(json(s)));
        JobRoutes.send(ctx, 200, body);
    }

    private void create(Context ctx) {
        QueryParams.of(ctx, Set.of());
        JsonNode body = RequestBodies.json(ctx, maxBodyBytes);
        JsonFields f = JsonFields.of(body, "request body", "", FIELDS);
        JsonNode payload = f.any("payload");
        if (payload != null && !payload.isObject()) throw ApiError.wrongType("payload", "an object", JsonFields.typeName(payload));
        ScheduleRequest r = new ScheduleRequest(f.requiredString("id"), f.requiredString("type"), f.requiredString("cron"),
                f.string("queue"), payload, f.integer("priority"), f.string("timezone"), f.string("missed"));
        Schedule s;
        try {
            s = schedules.create(r);
        } catch (InvalidRequestException e) {
            Matcher m = FIELD.matcher(e.getMessage());
            throw m.find() ? ApiError.badField(m.group(1), e.getMessage()) : ApiError.badRequest(e.getMessage());
        }
        send(ctx, 201, s);
    }

    private void delete(Context ctx) {
        String id = id(ctx);
        QueryParams.of(ctx, Set.of());
        RequestBodies.none(ctx, maxBodyBytes);
        if (!schedules.delete(id)) throw new JobNotFoundException("schedule " + id + " not found");
        JobRoutes.send(ctx, 200, JsonNodeFactory.instance.objectNode().put("id", id).put("deleted", true));
    }

    private static String id(Context ctx) {
        return ctx.pathParam("id");
    }

    private static void send(Context ctx, int status, Schedule s) {
        JobRoutes.send(ctx, status, json(s));
    }

    /** The wire form of a schedule (snake_case; times as ISO-8601, null when unset). */
    public static ObjectNode json(Schedule s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", s.id());
        o.put("type", s.type());
        o.put("queue", s.queue());
        o.set("payload", s.payload());
        if (s.priority() == null) o.putNull("priority");
        else o.put("priority", s.priority());
        o.put("cron", s.cron());
        o.put("timezone", s.timezone());
        o.put("missed", s.missed().wireName());
        o.put("paused", s.paused());
        time(o, "next_run_at", s.nextRunAt());
        time(o, "last_run_at", s.lastRunAt());
        o.put("last_job_id", s.lastJobId() == null ? null : s.lastJobId().toString());
        time(o, "created_at", s.createdAt());
        time(o, "updated_at", s.updatedAt());
        return o;
    }

    private static void time(ObjectNode o, String name, java.time.Instant t) {
        o.put(name, t == null ? null : t.toString());
    }
}
