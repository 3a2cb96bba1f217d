package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.engine.Names;
import io.ordo.core.ops.QueueHistory;
import io.ordo.core.ops.QueueStats;
import io.ordo.core.ops.Queues;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Queues:
 * <ul>
 * <li>{@code GET /api/queue/stats} → 200 {@code {queues: [{queue, pending, scheduled, running, waiting,
 *     completed_last_minute, failed_last_minute, completed_last_hour, failed_last_hour, throughput_per_second,
 *     start_latency_p50_ms, start_latency_p95_ms, paused, transport_messages?, settings?}]}}: every queue with jobs,
 *     configured here, flagged or limited; {@code settings} (where limits are stored) is
 *     {@code {capacity, max_running, rate, rate_window_used}} as {@link LimitRoutes} shows them; {@code transport_messages} (with a broker only) is what the broker holds for the queue.
 *     The rates lag by up to a few seconds (nodes report them every few seconds).</li>
 * <li>{@code GET /api/queue/history?minutes=60} → 200 {@code {minutes: [ISO minute starts, oldest first],
 *     queues: {name: {completed, failed, start_latency_p50_ms, start_latency_p95_ms, avg_run_ms}}}}: one value per
 *     minute in each array (null where no job started or ended), for charts; {@code minutes} is 1-120.</li>
 * <li>{@code POST /api/queues/{queue}/pause}, {@code …/resume} → 200 {@code {queue, paused}}: workers on every node
 *     stop (or start again) claiming from the queue; running jobs finish. Pausing a queue without jobs is allowed.</li>
 * <li>{@code POST /api/queues/{queue}/purge} → 200 {@code {queue, cancelled, transport_messages_dropped}}: cancels
 *     every pending and scheduled job of the queue (running jobs go on) and drops the broker's messages for it.</li>
 * </ul>
 */
public final class QueueRoutes implements RouteGroup {
    private final Queues queues;
    private final int maxBodyBytes;

    public QueueRoutes(Queues queues, int maxBodyBytes) {
        this.queues = queues;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/queue/stats", this::stats);
        routes.get("/api/queue/history", this::history);
        routes.post("/api/queues/{queue}/pause", ctx -> flag(ctx, true));
        routes.post("/api/queues/{queue}/resume", ctx -> flag(ctx, false));
        routes.post("/api/queues/{queue}/purge", this::purge);
    }

    private void stats(Context ctx) {
        QueryParams.of(ctx, Set.of());
        JobRoutes.send(ctx, 200, stats(queues.stats()));
    }

    /** Queue minutes are kept two hours; the current minute is the last point. */
    static final int MAX_HISTORY_MINUTES = 120;

    private void history(Context ctx) {
        QueryParams q = QueryParams.of(ctx, Set.of("minutes"));
        long minutes = q.nonNegativeLong("minutes", 60);
        if (minutes < 1 || minutes > MAX_HISTORY_MINUTES) {
            throw ApiError.badField("minutes", "query parameter 'minutes' must be 1-" + MAX_HISTORY_MINUTES + " (got " + minutes + ")");
        }
        JobRoutes.send(ctx, 200, history(queues.history(Duration.ofMinutes(minutes))));
    }

    static ObjectNode history(QueueHistory h) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode minutes = body.putArray("minutes");
        h.minutes().forEach(m -> minutes.add(JobJson.time(m)));
        ObjectNode queues = body.putObject("queues");
        h.queues().forEach((name, s) -> {
            ObjectNode o = queues.putObject(name);
            numbers(o.putArray("completed"), s.completed());
            numbers(o.putArray("failed"), s.failed());
            numbers(o.putArray("start_latency_p50_ms"), s.latencyP50Ms());
            numbers(o.putArray("start_latency_p95_ms"), s.latencyP95Ms());
            numbers(o.putArray("avg_run_ms"), s.avgRunMs());
        });
        return body;
    }

    private static void numbers(ArrayNode a, List<Long> values) {
        for (Long v : values) {
            if (v == null) a.addNull();
            else a.add(v);
        }
    }

    static ObjectNode stats(List<QueueStats> list) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode out = body.putArray("queues");
        for (QueueStats q : list) {
            ObjectNode o = out.addObject();
            o.put("queue", q.queue());
            o.put("pending", q.pending());
            o.put("scheduled", q.scheduled());
            o.put("running", q.running());
            o.put("waiting", q.waiting());
            o.put("completed_last_minute", q.completedLastMinute());
            o.put("failed_last_minute", q.failedLastMinute());
            o.put("completed_last_hour", q.completedLastHour());
            o.put("failed_last_hour", q.failedLastHour());
            o.put("throughput_per_second", q.throughputPerSecond());
            o.put("start_latency_p50_ms", q.startLatencyP50Ms());
            o.put("start_latency_p95_ms", q.startLatencyP95Ms());
            o.put("paused", q.paused());
            if (q.transportMessages() != null) o.put("transport_messages", q.transportMessages());
            if (q.limits() != null) LimitRoutes.fields(o.putObject("settings"), q.limits(), java.time.Instant.now());
        }
        return body;
    }

    private void purge(Context ctx) {
        String queue = ctx.pathParam("queue");
        try {
            Names.checkQueue(queue);
        } catch (InvalidRequestException e) {
            throw ApiError.badField("queue", e.getMessage());
        }
        QueryParams.of(ctx, Set.of());
        RequestBodies.none(ctx, maxBodyBytes);
        Queues.PurgeResult r = queues.purge(queue);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("queue", r.queue());
        o.put("cancelled", r.cancelled());
        o.put("transport_messages_dropped", r.messagesDropped());
        JobRoutes.send(ctx, 200, o);
    }

    private void flag(Context ctx, boolean pause) {
        String queue = ctx.pathParam("queue");
        try {
            Names.checkQueue(queue);
        } catch (InvalidRequestException e) {
            throw ApiError.badField("queue", e.getMessage());
        }
        QueryParams.of(ctx, Set.of());
        RequestBodies.none(ctx, maxBodyBytes);
        if (pause) queues.pause(queue);
        else queues.resume(queue);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("queue", queue);
        o.put("paused", pause);
        JobRoutes.send(ctx, 200, o);
    }
}
