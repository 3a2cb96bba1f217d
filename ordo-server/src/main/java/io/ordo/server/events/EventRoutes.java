package io.ordo.server.events;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.event.EventHub;
import io.ordo.core.event.EventSubscription;
import io.ordo.core.event.StoredEvent;
import io.ordo.server.api.ApiJson;
import io.ordo.server.api.RouteGroup;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Live events: {@code GET /api/events} (Server-Sent Events) and {@code GET /ws} (WebSocket). Every
 * message is the envelope {@code {id, type, payload}}; SSE frames also carry {@code id:} so that a
 * browser's {@code EventSource} resumes with {@code Last-Event-ID} after a reconnect. Idle streams get
 * a comment line (SSE) or a ping (WebSocket) every {@code heartbeat} so proxies keep them open.
 * Streams end when the client goes away or the node closes its {@link EventHub}.
 */
public final class EventRoutes implements RouteGroup {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EventRoutes.class);
    /** Per-stream buffer and keep-alive interval. */
    public record Settings(int buffer, Duration heartbeat) {
        public static final Settings DEFAULTS = new Settings(EventHub.DEFAULT_BUFFER, Duration.ofSeconds(15));
    }

    private final EventHub hub;
    private final Settings settings;
    private final WsEvents ws;

    public EventRoutes(EventHub hub, Settings settings) {
        this.hub = hub;
        this.settings = settings;
        this.ws = new WsEvents(this);
    }

    public EventRoutes(EventHub hub) {
        this(hub, Settings.DEFAULTS);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/events", this::sse);
        ws.register(routes);
    }

    EventSubscription subscribe(EventRequest r) {
        return hub.subscribe(r.filter(), r.since(), settings.buffer());
    }

    void closed(EventSubscription s) {
        s.close();
    }

    Settings settings() {
        return settings;
    }

    /** The wire form of an event: {@code {id, type, payload}}. */
    static String envelope(StoredEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("type", e.event().type());
        m.put("payload", e.event().payload());
        return ApiJson.write(m);
    }

    private void sse(Context ctx) throws Exception {
        // parsed before anything is written, so a bad parameter is an ordinary 400 JSON error
        EventRequest r = EventRequest.parse(ctx.queryParamMap(), ctx.header("Last-Event-ID"));
        EventSubscription sub = subscribe(r);
        try {
            HttpServletResponse res = ctx.res();
            res.setStatus(200);
            res.setCharacterEncoding("UTF-8");
            res.setContentType("text/event-stream");
            res.setHeader("Cache-Control", "no-cache");
            res.setHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
            OutputStream out = res.getOutputStream();
            write(out, "retry: 2000\n\n"); // commits the headers at once, so clients see the stream is open
            while (!sub.isClosed()) {
                StoredEvent e = sub.next(settings.heartbeat());
                if (e == null) {
                    if (sub.isClosed()) break;
                    write(out, ": keep-alive\n\n");
                } else {
                    write(out, "id: " + e.id() + "\ndata: " + envelope(e) + "\n\n");
                }
            }
        } catch (IOException e) {
            // the client went away
        } catch (RuntimeException e) {
            // the store failed mid-stream (the answer is under way, no error body can follow): end the
            // stream; the client reconnects with Last-Event-ID and gets what it missed
            log.warn("event stream ended: {}", e.toString());
        } finally {
            closed(sub);
        }
    }

    private static void write(OutputStream out, String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
