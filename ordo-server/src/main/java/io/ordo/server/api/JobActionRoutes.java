package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.Jobs;
import io.ordo.core.engine.Names;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.ops.BulkResult;
import io.ordo.core.store.CancelResult;
import io.ordo.core.util.Uuids;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Changing jobs:
 * <ul>
 * <li>{@code POST /api/jobs/{id}/cancel} → 200 {@code {job, cancelled: [id], cancel_requested: [id]}}: the job and
 *     its descendants; running ones are asked to stop. 409 when the job already completed or failed.</li>
 * <li>{@code POST /api/jobs/{id}/restart} → 200 the job, pending again. 409 unless it failed or was cancelled.</li>
 * <li>{@code DELETE /api/jobs/{id}} → 200 {@code {id, deleted: true}}: with its logs and descendants. 409 while it
 *     or a descendant is not terminal (cancel it first).</li>
 * <li>{@code POST /api/jobs/bulk} {@code {action: cancel|restart|delete, ids: [id] | filter: {status, queue, type,
 *     parent_id, root_id, error}, max}} → 200 {@code {action, matched, succeeded, failed: [{job_id, code, message}]}}.
 *     Jobs that cannot take the action are listed in {@code failed}, the others are acted on.</li>
 * </ul>
 * Each 404s for an unknown job (bulk reports those in {@code failed}).
 */
public final class JobActionRoutes implements RouteGroup {
    static final Set<String> BULK_FIELDS = Set.of("action", "ids", "filter", "max");

    private final Jobs jobs;
    private final int maxBodyBytes;

    public JobActionRoutes(Jobs jobs, int maxBodyBytes) {
        this.jobs = jobs;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/jobs/bulk", this::bulk);
        routes.post("/api/jobs/{id}/cancel", this::cancel);
        routes.post("/api/jobs/{id}/restart", this::restart);
        routes.delete("/api/jobs/{id}", this::delete);
    }

    private UUID id(Context ctx) {
        UUID id = Uuids.parse(ctx.pathParam("id"));
        QueryParams.of(ctx, Set.of());
        RequestBodies.none(ctx, maxBodyBytes);
        return id;
    }

    private void cancel(Context ctx) {
        CancelResult r = jobs.cancel(id(ctx));
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("job", JobJson.job(r.job()));
        ArrayNode cancelled = o.putArray("cancelled");
        r.cancelled().forEach(id -> cancelled.add(id.toString()));
        ArrayNode requested = o.putArray("cancel_requested");
        r.cancelRequested().forEach(id -> requested.add(id.toString()));
        JobRoutes.send(ctx, 200, o);
    }

    private void restart(Context ctx) {
        JobRoutes.send(ctx, 200, JobJson.job(jobs.restart(id(ctx))));
    }

    private void delete(Context ctx) {
        UUID id = id(ctx);
        jobs.delete(id);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", id.toString());
        o.put("deleted", true);
        JobRoutes.send(ctx, 200, o);
    }

    private void bulk(Context ctx) {
        QueryParams.of(ctx, Set.of());
        JsonFields f = JsonFields.of(RequestBodies.json(ctx, maxBodyBytes), "request body", "", BULK_FIELDS);
        Jobs.BulkAction action;
        String name = f.requiredString("action");
        try {
            action = Jobs.BulkAction.fromWire(name);
        } catch (InvalidRequestException e) {
            throw ApiError.badField("action", "field 'action' must be one of cancel, restart, delete (got '" + name + "')");
        }
        boolean hasIds = f.has("ids");
        boolean hasFilter = f.has("filter");
        if (hasIds == hasFilter) {
            throw ApiError.badRequest(hasIds ? "send either 'ids' or 'filter', not both" : "say which jobs: 'ids' (an array of job ids) or 'filter' (an object)");
        }
        Integer max = f.integer("max");
        BulkResult r;
        if (hasIds) {
            if (max != null) throw ApiError.badField("max", "field 'max' goes with 'filter', not with 'ids'");
            r = jobs.bulk(action, ids(f));
        } else {
            int limit = max == null ? Jobs.MAX_BATCH : max;
            if (limit < 1 || limit > Jobs.MAX_BATCH) throw ApiError.badField("max", "field 'max' must be 1-" + Jobs.MAX_BATCH + " (got " + limit + ")");
            r = jobs.bulk(action, filter(f.object("filter", QueryParams.FILTER)), limit);
        }
        JobRoutes.send(ctx, 200, result(r));
    }

    private static List<UUID> ids(JsonFields f) {
        List<String> raw = f.strings("ids");
        if (raw.isEmpty()) throw ApiError.badField("ids", "field 'ids' must hold at least one job id");
        if (raw.size() > Jobs.MAX_BATCH) throw ApiError.badField("ids", "field 'ids' holds at most " + Jobs.MAX_BATCH + " ids (got " + raw.size() + ")");
        List<UUID> ids = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            try {
                ids.add(UUID.fromString(raw.get(i).trim()));
            } catch (IllegalArgumentException e) {
                throw ApiError.badField("ids[" + i + "]", "ids[" + i + "] is not a job id (a UUID) (got '" + raw.get(i) + "')");
            }
        }
        return ids;
    }

    /** A bulk filter: the query parameters of {@code GET /api/jobs} as an object; it must name something. */
    static JobFilter filter(JsonFields f) {
        Set<JobStatus> statuses = EnumSet.noneOf(JobStatus.class);
        JsonNode st = f.any("status");
        if (st != null && st.isTextual()) {
            statuses.add(QueryParams.status(f.field("status"), st.asText()));
        } else if (st != null) {
            List<String> list = f.strings("status");
            for (int i = 0; i < list.size(); i++) statuses.add(QueryParams.status(f.field("status") + "[" + i + "]", list.get(i)));
        }
        String error = f.string("error");
        JobFilter filter = new JobFilter(statuses, name(f, "queue", true), name(f, "type", false), uuid(f, "parent_id"), uuid(f, "root_id"))
                .withError(error == null || error.isEmpty() ? null : error);
        if (filter.equals(JobFilter.ALL)) {
            // acting on every job in the store is never what a typo'd filter meant
            throw ApiError.badField("filter", "field 'filter' must name at least one of " + String.join(", ", new java.util.TreeSet<>(QueryParams.FILTER)));
        }
        return filter;
    }

    private static String name(JsonFields f, String field, boolean queue) {
        String s = f.string(field);
        if (s == null) return null;
        try {
            return queue ? Names.checkQueue(s) : Names.checkType(s);
        } catch (InvalidRequestException e) {
            throw ApiError.badField(f.field(field), "field '" + f.field(field) + "': " + e.getMessage());
        }
    }

    private static UUID uuid(JsonFields f, String field) {
        String s = f.string(field);
        if (s == null) return null;
        try {
            return UUID.fromString(s.trim());
        } catch (IllegalArgumentException e) {
            throw ApiError.badField(f.field(field), "field '" + f.field(field) + "' must be a job id (a UUID) (got '" + s + "')");
        }
    }

    static ObjectNode result(BulkResult r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("action", r.action());
        o.put("matched", r.matched());
        o.put("succeeded", r.succeeded());
        ArrayNode failed = o.putArray("failed");
        for (BulkResult.Failure x : r.failed()) {
            ObjectNode e = failed.addObject();
            e.put("job_id", x.jobId().toString());
            e.put("code", x.code());
            e.put("message", x.message());
        }
        return o;
    }
}
