package io.ordo.server.events;

import io.ordo.core.event.StoredEvent;
import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import io.ordo.server.api.ApiJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.ordo.server.events.EventServers.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WsEventsTest {
    private OrdoServer server;
    private Http http;

    @BeforeEach
    void setUp() {
        server = EventServers.start();
        http = new Http(server.url());
    }

    @AfterEach
    void tearDown() {
        http.close();
        server.close();
    }

    private String ws(String query) {
        return server.url().replace("http://", "ws://") + "/ws" + query;
    }

    private static long completed(Received r, String id) {
        return r.of("job_status_change").stream()
                .filter(e -> id.equals(e.jobId()) && e.payload().path("status").asText().equals("completed")).count();
    }

    @Test
    void streamsTheEventsOfAJob() throws Exception {
        try (WsTestClient ws = WsTestClient.open(ws("?token=whatever"))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> server.ordo().eventHub().subscriberCount() == 1);
            String id = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":2,\"progress\":2,\"children\":2}}");
            Received r = ws.received;
            await().atMost(Duration.ofSeconds(10)).until(() -> completed(r, id) == 1);
            assertThat(r.events.stream().filter(e -> id.equals(e.jobId())).map(Received.Event::type))
                    .contains("job_log", "task_progress", "result_saved", "job_status_change");
            assertThat(r.of("job_spawn")).hasSize(2).allMatch(e -> id.equals(e.payload().path("parent_job_id").asText()));
            assertThat(r.events).extracting(Received.Event::id).isSorted().doesNotHaveDuplicates();
            assertThat(r.events.getFirst().envelope().fieldNames()).toIterable().containsExactly("id", "type", "payload");
        }
    }

    @Test
    void filtersFromTheQueryAndFromASubscribeMessage() throws Exception {
        String a = submit(http, "{\"type\":\"chatty\",\"delay\":\"1s\",\"payload\":{\"lines\":1,\"children\":1}}");
        String b = submit(http, "{\"type\":\"chatty\",\"delay\":\"1s\",\"payload\":{\"lines\":1}}");
        try (WsTestClient byRoot = WsTestClient.open(ws("?root_id=" + a));
             WsTestClient logsOfB = WsTestClient.open(ws("?types=job_log&job_id=" + b));
             WsTestClient bySubscribe = WsTestClient.open(ws(""))) {
            bySubscribe.send("{\"action\":\"subscribe\",\"job_id\":[\"" + b + "\"],\"types\":\"job_status_change,job_log\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> bySubscribe.received.control.size() == 1);
            assertThat(ApiJson.read(bySubscribe.received.control.getFirst()).path("type").asText()).isEqualTo("subscribed");
            await().atMost(Duration.ofSeconds(10)).until(() -> completed(byRoot.received, a) == 1 && completed(bySubscribe.received, b) == 1
                    && logsOfB.received.events.size() == 1);
            assertThat(byRoot.received.events).noneMatch(e -> b.equals(e.jobId()));
            assertThat(byRoot.received.of("job_spawn")).hasSize(1);
            assertThat(logsOfB.received.events).extracting(Received.Event::type).containsOnly("job_log");
            assertThat(logsOfB.received.events).extracting(Received.Event::jobId).containsOnly(b);
            assertThat(bySubscribe.received.events).extracting(Received.Event::jobId).containsOnly(b);
            assertThat(bySubscribe.received.events).extracting(Received.Event::type).containsOnly("job_status_change", "job_log");
        }
    }

    @Test
    void aNewSubscriptionGoesOnAfterTheLastEventSentWithoutRepeatingIt() throws Exception {
        try (WsTestClient ws = WsTestClient.open(ws(""))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> server.ordo().eventHub().subscriberCount() == 1);
            String first = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":3}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> completed(ws.received, first) == 1);
            int before = ws.received.events.size();
            ws.send("{\"action\":\"subscribe\",\"types\":[\"job_status_change\"]}");
            await().atMost(Duration.ofSeconds(5)).until(() -> ws.received.control.size() == 1);
            // it goes on from the last event sent (a periodic queue_stats may have come meanwhile)
            long since = ApiJson.read(ws.received.control.getFirst()).path("payload").path("since").asLong();
            assertThat(since).isGreaterThanOrEqualTo(ws.received.events.get(before - 1).id());
            assertThat(ws.received.events).anyMatch(e -> e.id() == since);
            String second = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":3}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> completed(ws.received, second) == 1);
            assertThat(ws.received.events).extracting(Received.Event::id).isSorted().doesNotHaveDuplicates();
            assertThat(ws.received.events).filteredOn(e -> e.id() > since)
                    .isNotEmpty().extracting(Received.Event::type).containsOnly("job_status_change");
        }
    }

    @Test
    void reconnectWithSinceReplaysExactlyTheMissedEventsThenGoesLive() throws Exception {
        long seen;
        try (WsTestClient first = WsTestClient.open(ws(""))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> server.ordo().eventHub().subscriberCount() == 1);
            String id = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":3}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> completed(first.received, id) == 1);
            seen = first.received.lastId();
        }
        String later = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":4,\"children\":1}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.ordo().store().eventsAfter(seen, 1000).stream()
                .anyMatch(e -> later.equals(e.event().jobId().toString()) && "completed".equals(e.event().payload().get("status"))));
        List<Long> missed = server.ordo().store().eventsAfter(seen, 1000).stream()
                .filter(e -> !e.event().type().equals("queue_stats")).map(StoredEvent::id).toList();
        try (WsTestClient again = WsTestClient.open(ws("?since=" + seen + "&types=job_status_change,job_log,job_spawn,task_progress,job_progress,result_saved"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> again.received.events.size() >= missed.size());
            assertThat(again.received.events).extracting(Received.Event::id).containsExactlyElementsOf(missed);
            String third = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":1}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> completed(again.received, third) == 1);
            assertThat(again.received.events).extracting(Received.Event::id).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void anIdOlderThanTheRetainedLogGetsAResync() throws Exception {
        for (int i = 0; i < 3; i++) submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":2}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.ordo().store().lastEventId() >= 9);
        await().until(() -> server.ordo().store().pruneEvents(Instant.now().plusSeconds(60), 10_000) == 0);
        submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":1}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.ordo().store().firstEventId() > 3);
        try (WsTestClient ws = WsTestClient.open(ws("?since=2"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !ws.received.events.isEmpty());
            assertThat(ws.received.events.getFirst().type()).isEqualTo("resync");
            assertThat(ws.received.events.getFirst().payload().path("reason").asText()).isEqualTo("too_old");
        }
    }

    @Test
    void aClientThatDoesNotReadDoesNotSlowTheWorkersAndGetsAResync() throws Exception {
        server.close();
        server = EventServers.start(new ServerOptions().eventStreams(new EventRoutes.Settings(50, Duration.ofSeconds(15))));
        http = new Http(server.url());
        try (WsTestClient slow = new WsTestClient(ws(""), false);
             WsTestClient fast = WsTestClient.open(ws("?types=job_status_change"))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> server.ordo().eventHub().subscriberCount() == 2);
            long t0 = System.nanoTime();
            for (int i = 0; i < 60; i++) submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":200,\"size\":1000}}");
            // a server also reports each start: the 60 ends are what counts
            await().atMost(Duration.ofSeconds(60)).until(() -> fast.received.of("job_status_change").stream()
                    .filter(e -> e.payload().path("status").asText().equals("completed")).count() == 60);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
            assertThat(slow.received.events).isEmpty();
            slow.startReading();
            await().atMost(Duration.ofSeconds(20)).until(() -> slow.received.any(e -> e.type().equals("resync")
                    && e.payload().path("reason").asText().equals("overflow")));
            assertThat(slow.received.events).extracting(Received.Event::id).isSorted();
        }
    }

    @Test
    void badParametersAre400JsonErrorsAndBadMessagesGetAnErrorFrame() throws Exception {
        for (String q : List.of("?since=abc", "?types=bogus", "?job_id=zzz")) {
            String answer = upgrade("/ws" + q);
            assertThat(answer).as(q).startsWith("HTTP/1.1 400");
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertThat(ApiJson.read(body).path("error").path("code").asText()).as(q).isEqualTo("invalid_request");
        }
        try (WsTestClient ws = WsTestClient.open(ws(""))) {
            ws.send("{\"action\":\"subscribe\",\"types\":[\"nope\"]}");
            ws.send("not json");
            ws.send("{\"action\":\"dance\"}");
            await().atMost(Duration.ofSeconds(5)).until(() -> ws.received.control.size() == 3);
            for (String c : ws.received.control) {
                var n = ApiJson.read(c);
                assertThat(n.path("type").asText()).isEqualTo("error");
                assertThat(n.path("payload").path("error").path("code").asText()).isEqualTo("invalid_request");
            }
            // still open and working
            String id = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":1}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> completed(ws.received, id) == 1);
        }
    }

    /** A WebSocket upgrade request, raw; returns the answer's head and body (by its Content-Length). */
    @Test
    void aPlainGetOfWsSaysItIsAWebSocketEndpoint() {
        Http.Response r = http.get("/ws");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("invalid_request");
        assertThat(r.errorMessage()).contains("WebSocket").contains("/api/events");
    }

    private String upgrade(String target) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = s.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) break;
                got.write(b);
                String text = got.toString(java.nio.charset.StandardCharsets.UTF_8);
                int head = text.indexOf("\r\n\r\n");
                if (head < 0) continue;
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text.substring(0, head));
                if (!m.find() || got.size() >= head + 4 + Integer.parseInt(m.group(1))) return text;
            }
            return got.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void idleConnectionsArePinged() throws Exception {
        server.close();
        server = EventServers.start(new ServerOptions().eventStreams(new EventRoutes.Settings(100, Duration.ofMillis(200))));
        try (WsTestClient ws = WsTestClient.open(ws(""))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> ws.pings.get() >= 3);
        }
    }
}
