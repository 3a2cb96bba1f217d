package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.engine.Names;
import io.ordo.core.limits.Limit;
import io.ordo.core.limits.LimitScope;
import io.ordo.core.limits.Rate;
import io.ordo.core.ops.LimitUpdate;
import io.ordo.core.ops.LimitUpdate.Field;
import io.ordo.core.ops.Queues;

import java.time.Instant;
import java.util.Set;

/**
 * Cluster-wide limits, stored and shared by every node (a change takes effect everywhere within
 * about a second):
 * <ul>
 * <li>{@code GET /api/queues/{queue}/settings}, {@code GET /api/types/{type}/settings} → 200
 *     {@code {queue|type, capacity, max_running, rate, rate_window_used}} (null: not limited).</li>
 * <li>{@code PUT} the same path with {@code {capacity?, max_running?, rate?}} → 200 the settings now. A field
 *     left out is kept, {@code null} clears it, a value sets it; {@code capacity} and {@code max_running} are
 *     integers of at least 1, {@code rate} is {@code "N/DURATION"} (e.g. {@code "100/1m"}). Bad input is refused
 *     whole (400), nothing applied.</li>
 * <li>{@code DELETE} the same path → 200 the (empty) settings and {@code cleared}: whether there were any.</li>
 * <li>{@code GET /api/limits} → 200 {@code {limits: [{scope, name, capacity, max_running, rate, rate_window_used}]}}.</li>
 * </ul>
 */
public final class LimitRoutes implements RouteGroup {
    private static final Set<String> FIELDS = Set.of("capacity", "max_running", "rate");

    private final Queues queues;
    private final int maxBodyBytes;

    public LimitRoutes(Queues queues, int maxBodyBytes) {
        this.queues = queues;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/limits", this::all);
        for (LimitScope scope : LimitScope.values()) {
            String path = "/api/" + scope.wireName() + "s/{" + scope.wireName() + "}/settings";
            routes.get(path, ctx -> get(ctx, scope));
            routes.put(path, ctx -> put(ctx, scope));
            routes.delete(path, ctx -> delete(ctx, scope));
        }
    }

    private void all(Context ctx) {
        QueryParams.of(ctx, Set.of());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode list = body.putArray("limits");
        Instant now = Instant.now();
        for (Limit l : queues.limits()) {
            ObjectNode o = list.addObject();
            o.put("scope", l.scope().wireName());
            o.put("name", l.name());
            fields(o, l, now);
        }
        JobRoutes.send(ctx, 200, body);
    }

    private void get(Context ctx, LimitScope scope) {
        String name = name(ctx, scope);
        QueryParams.of(ctx, Set.of());
        JobRoutes.send(ctx, 200, settings(scope, name, queues.limit(scope, name).orElse(null)));
    }

    private void put(Context ctx, LimitScope scope) {
        String name = name(ctx, scope);
        QueryParams.of(ctx, Set.of());
        JsonNode body = RequestBodies.json(ctx, maxBodyBytes);
        JsonFields.of(body, "request body", "", FIELDS); // unknown fields and non-objects are refused by name
        LimitUpdate update;
        try {
            update = new LimitUpdate(count(body, "capacity"), count(body, "max_running"), rate(body));
        } catch (InvalidRequestException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        JobRoutes.send(ctx, 200, settings(scope, name, queues.setLimit(scope, name, update)));
    }

    private void delete(Context ctx, LimitScope scope) {
        String name = name(ctx, scope);
        QueryParams.of(ctx, Set.of());
        RequestBodies.none(ctx, maxBodyBytes);
        boolean had = queues.clearLimits(scope, name);
        ObjectNode o = settings(scope, name, null);
        o.put("cleared", had);
        JobRoutes.send(ctx, 200, o);
    }

    private static String name(Context ctx, LimitScope scope) {
        String name = ctx.pathParam(scope.wireName());
        try {
            return scope == LimitScope.QUEUE ? Names.checkQueue(name) : Names.checkType(name);
        } catch (InvalidRequestException e) {
            throw ApiError.badField(scope.wireName(), e.getMessage());
        }
    }

    /** Left out: kept; null: cleared; an integer of at least 1: set. */
    private static Field<Integer> count(JsonNode body, String name) {
        if (!body.has(name)) return Field.keep();
        JsonNode v = body.get(name);
        if (v.isNull()) return Field.clear();
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiError.badField(name, "field '" + name + "' must be an integer of at least 1, or null to clear it (got " + v + ")");
        }
        if (v.intValue() < 1) {
            throw ApiError.badField(name, "field '" + name + "' must be at least 1 (got " + v.intValue() + "); send null to clear it");
        }
        return Field.set(v.intValue());
    }

    private static Field<Rate> rate(JsonNode body) {
        if (!body.has("rate")) return Field.keep();
        JsonNode v = body.get("rate");
        if (v.isNull()) return Field.clear();
        if (!v.isTextual()) throw ApiError.wrongType("rate", "a string like \"100/1m\"", v.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        try {
            return Field.set(Rate.parse(v.asText()));
        } catch (InvalidRequestException e) {
            throw ApiError.badField("rate", e.getMessage());
        }
    }

    static ObjectNode settings(LimitScope scope, String name, Limit l) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put(scope.wireName(), name);
        fields(o, l, Instant.now());
        return o;
    }

    /** capacity, max_running, rate (null where not limited) and the claims counted in the rate's current window. */
    static void fields(ObjectNode o, Limit l, Instant now) {
        o.put("capacity", l == null ? null : l.capacity());
        o.put("max_running", l == null ? null : l.maxRunning());
        o.put("rate", l == null || l.rate() == null ? null : l.rate().toString());
        if (l != null && l.rate() != null) o.put("rate_window_used", l.usedAt(now));
        else o.putNull("rate_window_used");
    }
}
