package io.ordo.server.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import io.ordo.core.event.EventSubscription;
import io.ordo.core.event.StoredEvent;
import io.ordo.server.api.ApiError;
import io.ordo.server.api.ApiJson;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /ws}: the query string chooses the first subscription (as for SSE, with {@code since} for
 * a reconnect); a text message {@code {"action": "subscribe", "job_id", "root_id", "types", "since"}}
 * replaces it (without {@code since} it continues after the last event sent, so nothing is lost) and
 * is answered with {@code {type: "subscribed", payload}}; a bad message gets
 * {@code {type: "error", payload: {error: {code, message, details}}}} and the connection stays open.
 *
 * <p>Each connection has one sending thread that waits for each frame to be written, so a client that
 * does not read holds only its own thread; the hub drops its buffered events and sends a resync.
 */
final class WsEvents {
    private static final String REQUEST = "ordo.events.request";

    private final EventRoutes routes;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    WsEvents(EventRoutes routes) {
        this.routes = routes;
    }

    void register(RoutesConfig r) {
        // validated before the upgrade, so a bad parameter is a 400 JSON answer instead of a socket
        r.wsBeforeUpgrade("/ws", this::beforeUpgrade);
        r.ws("/ws", ws -> {
            ws.onConnect(this::connected);
            ws.onMessage(this::message);
            ws.onClose(ctx -> gone(ctx));
            ws.onError(ctx -> gone(ctx));
        });
        // a plain GET (no Upgrade header) would otherwise be "no route GET /ws", as if there were no such path
        r.get("/ws", ctx -> {
            throw new ApiError(400, "invalid_request", "/ws is a WebSocket endpoint: connect with a WebSocket client"
                    + " (Upgrade: websocket), or stream the same events over HTTP from GET /api/events", Map.of());
        });
    }

    private void beforeUpgrade(io.javalin.http.Context ctx) throws java.io.IOException {
        try {
            ctx.attribute(REQUEST, EventRequest.parse(ctx.queryParamMap(), null));
        } catch (ApiError e) {
            // Javalin writes no body for errors before an upgrade: answer here, then stop the upgrade
            byte[] body = ApiJson.write(io.ordo.server.api.ErrorMapping.map(e, "GET", ctx.path()).body())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            var res = ctx.res();
            res.setStatus(e.status());
            res.setContentType("application/json");
            res.setContentLength(body.length);
            res.getOutputStream().write(body);
            res.flushBuffer();
            throw new io.javalin.http.BadRequestResponse(e.getMessage());
        }
    }

    private void connected(WsConnectContext ctx) {
        EventRequest req = ctx.attribute(REQUEST);
        if (req == null) req = EventRequest.parse(ctx.queryParamMap(), null);
        ctx.enableAutomaticPings(routes.settings().heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        Connection c = new Connection(ctx.session, routes.subscribe(req));
        connections.put(ctx.sessionId(), c);
        Thread.ofVirtual().name("ordo-ws-events").start(c::run);
    }

    private void message(WsMessageContext ctx) {
        Connection c = connections.get(ctx.sessionId());
        if (c == null) return;
        try {
            JsonNode msg;
            try {
                msg = ApiJson.read(ctx.message());
            } catch (JsonProcessingException e) {
                throw ApiError.badRequest("message is not valid JSON: " + ApiJson.problem(e));
            }
            if (!msg.isObject()) throw ApiError.badRequest("message must be a JSON object");
            String action = msg.path("action").asText("");
            if (!action.equals("subscribe")) {
                throw new ApiError(400, "invalid_request", "unknown action '" + action + "' (expected 'subscribe')",
                        Map.of("field", "action"));
            }
            Map<String, List<String>> query = new LinkedHashMap<>();
            for (String f : List.of("job_id", "root_id", "types", "since")) {
                JsonNode v = msg.get(f);
                if (v == null || v.isNull()) continue;
                List<String> vals = new ArrayList<>();
                if (v.isArray()) v.forEach(x -> vals.add(x.asText()));
                else if (v.isValueNode()) vals.add(v.asText());
                else throw ApiError.badField(f, f + " must be a string, a number or an array");
                query.put(f, vals);
            }
            EventRequest req = EventRequest.parse(query, null);
            if (req.since() == null) req = new EventRequest(req.filter(), c.lastSent);
            c.resubscribe(routes.subscribe(req));
            Map<String, Object> ack = new LinkedHashMap<>();
            ack.put("job_id", req.filter().jobIds().stream().map(Object::toString).toList());
            ack.put("root_id", req.filter().rootIds().stream().map(Object::toString).toList());
            ack.put("types", List.copyOf(req.filter().types()));
            ack.put("since", req.since());
            c.sendControl("subscribed", ack);
        } catch (ApiError e) {
            Map<String, Object> err = new LinkedHashMap<>();
            err.put("code", e.code());
            err.put("message", e.getMessage());
            err.put("details", e.details());
            c.sendControl("error", Map.of("error", err));
        }
    }

    private void gone(WsContext ctx) {
        Connection c = connections.remove(ctx.sessionId());
        if (c != null) c.stop();
    }

    private final class Connection {
        private final Session session;
        private volatile EventSubscription current;
        private volatile boolean stopped;
        /** The id of the last event sent: a new subscription must not send it (or older ones) again. */
        private volatile long lastSent;

        Connection(Session session, EventSubscription first) {
            this.session = session;
            this.current = first;
            this.lastSent = first.position();
        }

        void resubscribe(EventSubscription next) {
            EventSubscription old = current;
            current = next;
            routes.closed(old); // its next() returns; the sender goes on with the new one
        }

        void run() {
            try {
                while (!stopped && session.isOpen()) {
                    EventSubscription s = current;
                    StoredEvent e = s.next(Duration.ofSeconds(1));
                    if (e != null && s == current) {
                        boolean resync = e.event().type().equals(io.ordo.core.event.EventHub.RESYNC);
                        if (!resync && e.id() <= lastSent) continue; // sent already, before a resubscribe
                        send(EventRoutes.envelope(e));
                        lastSent = Math.max(lastSent, e.id());
                    }
                    else if (e == null && s.isClosed() && s == current) break; // ended by the server (shutdown)
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the client went away or the write failed: the close handler cleans up
            } finally {
                stop();
                if (session.isOpen()) session.close();
            }
        }

        synchronized void send(String text) throws Exception {
            Callback.Completable done = new Callback.Completable();
            session.sendText(text, done);
            done.get(); // wait until written: the socket, not memory, holds what a slow client has not read
        }

        void sendControl(String type, Object payload) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type);
            m.put("payload", payload);
            String text = ApiJson.write(m);
            Thread.ofVirtual().start(() -> {
                try {
                    send(text);
                } catch (Exception ignored) {
                    // connection closing
                }
            });
        }

        void stop() {
            stopped = true;
            routes.closed(current);
        }
    }
}
