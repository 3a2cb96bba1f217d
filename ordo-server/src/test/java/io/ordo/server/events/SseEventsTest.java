package io.ordo.server.events;

import io.ordo.core.event.StoredEvent;
import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.ordo.server.events.EventServers.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SseEventsTest {
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

    private String url(String query) {
        return server.url() + "/api/events" + query;
    }

    @Test
    void streamsStatusProgressLogSpawnAndResultEventsOfAJob() throws Exception {
        try (SseTestClient sse = SseTestClient.open(url("?token=ignored-by-events"))) {
            assertThat(sse.response.statusCode()).isEqualTo(200);
            assertThat(sse.contentType()).startsWith("text/event-stream");
            String id = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":2,\"progress\":3,\"children\":2}}");
            Received r = sse.received;
            await().atMost(Duration.ofSeconds(10)).until(() -> r.any(e -> e.type().equals("job_status_change")
                    && id.equals(e.jobId()) && e.payload().path("status").asText().equals("completed"))
                    && r.of("job_status_change").stream().filter(e -> id.equals(e.payload().path("parent_id").asText())
                            && e.payload().path("status").asText().equals("completed")).count() == 2);
            List<Received.Event> mine = r.events.stream().filter(e -> id.equals(e.jobId())).toList();
            assertThat(mine).extracting(Received.Event::type)
                    .contains("job_log", "task_progress", "result_saved", "job_status_change");
            Received.Event log = r.of("job_log").getFirst();
            assertThat(log.payload().path("message").asText()).startsWith("line 0");
            assertThat(log.payload().path("level").asText()).isEqualTo("info");
            assertThat(log.payload().has("timestamp")).isTrue();
            assertThat(log.payload().path("metadata").isObject()).isTrue();
            Received.Event progress = r.of("task_progress").getLast();
            assertThat(progress.payload().path("current").asLong()).isEqualTo(3);
            assertThat(progress.payload().path("total").asLong()).isEqualTo(3);
            for (String f : List.of("job_id", "status", "job_type", "current_item", "current_activity", "depth", "timestamp")) {
                assertThat(progress.payload().has(f)).as(f).isTrue();
            }
            List<Received.Event> spawns = r.of("job_spawn");
            assertThat(spawns).hasSize(2).allSatisfy(s -> {
                assertThat(s.payload().path("parent_job_id").asText()).isEqualTo(id);
                assertThat(s.payload().path("discovered_by").asText()).isEqualTo(id);
                assertThat(s.payload().path("child_job_id").asText()).isEqualTo(s.jobId());
                assertThat(s.payload().path("job_type").asText()).isEqualTo("noop");
                assertThat(s.payload().path("depth").asInt()).isEqualTo(1);
            });
            Received.Event saved = r.of("result_saved").stream().filter(e -> id.equals(e.jobId())).findFirst().orElseThrow();
            for (String f : List.of("result_id", "job_id", "title", "item_reference", "timestamp")) {
                assertThat(saved.payload().has(f)).as(f).isTrue();
            }
            Received.Event done = mine.stream().filter(e -> e.type().equals("job_status_change")).findFirst().orElseThrow();
            assertThat(done.payload().path("job_type").asText()).isEqualTo("chatty");
            // envelope: increasing ids, also on the SSE id: lines
            assertThat(r.events).extracting(Received.Event::id).isSorted().doesNotHaveDuplicates();
            List<Long> frames = List.copyOf(sse.frameIds);
            assertThat(r.events.stream().map(Received.Event::id).toList().subList(0, frames.size())).isEqualTo(frames);
            assertThat(frames).hasSizeGreaterThanOrEqualTo(mine.size());
            assertThat(r.events.getFirst().envelope().fieldNames()).toIterable().containsExactly("id", "type", "payload");
        }
    }

    @Test
    void filtersByJobRootAndType() throws Exception {
        // delayed, so that the ids are known before anything happens to the jobs
        String a = submit(http, "{\"type\":\"chatty\",\"delay\":\"1s\",\"payload\":{\"lines\":1,\"children\":1}}");
        String b = submit(http, "{\"type\":\"chatty\",\"delay\":\"1s\",\"payload\":{\"lines\":1}}");
        try (SseTestClient byJob = SseTestClient.open(url("?job_id=" + a));
             SseTestClient byRoot = SseTestClient.open(url("?root_id=" + a));
             SseTestClient logsOfTwo = SseTestClient.open(url("?types=job_log&job_id=" + a + "," + b));
             SseTestClient statusOnly = SseTestClient.open(url("?type=job_status_change&job_id=" + b))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> completed(byRoot.received) == 2
                    && completed(statusOnly.received) == 1 && logsOfTwo.received.events.size() == 2);
            // a job's own events and its children's (the spawn and the child's end)
            assertThat(byJob.received.events).allMatch(e -> a.equals(e.jobId()) || a.equals(e.payload().path("parent_id").asText()));
            assertThat(byJob.received.of("job_spawn")).hasSize(1);
            assertThat(byRoot.received.events).allMatch(e -> a.equals(e.payload().path("root_id").asText(a)));
            assertThat(byRoot.received.events).noneMatch(e -> b.equals(e.jobId()));
            assertThat(logsOfTwo.received.events).extracting(Received.Event::type).containsOnly("job_log");
            assertThat(logsOfTwo.received.events).extracting(Received.Event::jobId).containsExactlyInAnyOrder(a, b);
            assertThat(statusOnly.received.events).extracting(Received.Event::jobId).containsOnly(b);
        }
    }

    private static long completed(Received r) {
        return r.of("job_status_change").stream().filter(e -> e.payload().path("status").asText().equals("completed")).count();
    }

    @Test
    void reconnectWithLastEventIdOrSinceReplaysExactlyTheMissedEvents() throws Exception {
        long seen;
        try (SseTestClient first = SseTestClient.open(url(""))) {
            String id = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":3}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> first.received.any(e -> id.equals(e.jobId()) && e.type().equals("job_status_change")));
            seen = first.received.lastId();
        }
        // missed while disconnected
        String later = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":5,\"children\":2}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.ordo().store().eventsAfter(seen, 1000).stream()
                .filter(e -> e.event().type().equals("job_status_change") && "completed".equals(e.event().payload().get("status"))).count() == 3);
        // job events only: a periodic queue_stats could otherwise come between this read and the replay
        List<Long> missed = server.ordo().store().eventsAfter(seen, 1000).stream()
                .filter(e -> !e.event().type().equals("queue_stats")).map(StoredEvent::id).toList();
        String jobTypes = "types=job_status_change,job_log,job_spawn,task_progress,job_progress,result_saved";
        try (SseTestClient header = new SseTestClient(url("?" + jobTypes), Map.of("Last-Event-ID", Long.toString(seen)));
             SseTestClient query = SseTestClient.open(url("?since=" + seen + "&" + jobTypes))) {
            for (SseTestClient c : List.of(header, query)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> c.received.events.size() >= missed.size());
                assertThat(c.received.events).extracting(Received.Event::id).containsExactlyElementsOf(missed);
                assertThat(c.received.events).anyMatch(e -> later.equals(e.jobId()));
            }
            // and live after the replay, without duplicates
            String third = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":1}}");
            for (SseTestClient c : List.of(header, query)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> c.received.any(e -> third.equals(e.jobId()) && e.type().equals("job_status_change")));
                assertThat(c.received.events).extracting(Received.Event::id).isSorted().doesNotHaveDuplicates();
            }
        }
    }

    @Test
    void anIdOlderThanTheRetainedLogGetsAResync() throws Exception {
        for (int i = 0; i < 3; i++) submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":2}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.ordo().store().lastEventId() >= 9);
        // retention: everything so far is pruned
        await().until(() -> server.ordo().store().pruneEvents(Instant.now().plusSeconds(60), 10_000) == 0);
        String id = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":1}}");
        await().atMost(Duration.ofSeconds(10)).until(() -> server.ordo().store().firstEventId() > 3);
        try (SseTestClient sse = SseTestClient.open(url("?since=1"))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !sse.received.events.isEmpty());
            Received.Event resync = sse.received.events.getFirst();
            assertThat(resync.type()).isEqualTo("resync");
            assertThat(resync.payload().path("reason").asText()).isEqualTo("too_old");
            // what it carries is where the stream goes on; a reload then sees the job
            assertThat(resync.id()).isGreaterThanOrEqualTo(server.ordo().store().firstEventId() - 1);
            String next = submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":1}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> sse.received.any(e -> next.equals(e.jobId())));
            assertThat(sse.received.events).noneMatch(e -> id.equals(e.jobId()) && e.id() <= resync.id());
        }
    }

    @Test
    void progressIsThrottledAndTheLastValueAlwaysArrives() throws Exception {
        try (SseTestClient sse = SseTestClient.open(url("?types=task_progress,job_status_change"))) {
            // 1000 updates that never reach the total: the last one is only held back by the throttle
            String id = submit(http, "{\"type\":\"ticker\",\"payload\":{\"n\":1000,\"total\":2000}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> sse.received.any(e -> e.type().equals("job_status_change") && id.equals(e.jobId())));
            List<Received.Event> progress = sse.received.of("task_progress");
            assertThat(progress).isNotEmpty().hasSizeLessThan(20);
            assertThat(progress.getLast().payload().path("current").asLong()).isEqualTo(1000);
            assertThat(progress.getLast().payload().path("total").asLong()).isEqualTo(2000);
        }
    }

    @Test
    void theLastProgressValueGoesOutSoonAlsoWhileTheJobKeepsRunning() throws Exception {
        try (SseTestClient sse = SseTestClient.open(url("?types=task_progress,job_status_change"))) {
            String id = submit(http, "{\"type\":\"ticker\",\"payload\":{\"n\":500,\"total\":2000,\"hold_ms\":6000}}");
            await().atMost(Duration.ofSeconds(4)).until(() -> sse.received.any(e -> e.type().equals("task_progress")
                    && e.payload().path("current").asLong() == 500));
            // its start was reported, its end not yet
            assertThat(sse.received.of("job_status_change")).filteredOn(e -> id.equals(e.jobId()))
                    .extracting(e -> e.payload().path("status").asText()).containsExactly("running");
        }
    }

    @Test
    void aClientThatDoesNotReadDoesNotSlowTheWorkersAndGetsAResync() throws Exception {
        server.close();
        server = EventServers.start(new ServerOptions().eventStreams(new EventRoutes.Settings(50, Duration.ofSeconds(15))));
        http = new Http(server.url());
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = slow.getOutputStream();
            out.write(("GET /api/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            try (SseTestClient fast = SseTestClient.open(url("?types=job_status_change"))) {
                await().atMost(Duration.ofSeconds(5)).until(() -> server.ordo().eventHub().subscriberCount() == 2);
                long t0 = System.nanoTime();
                // ~12 MB of log events for a client that reads nothing
                for (int i = 0; i < 60; i++) submit(http, "{\"type\":\"chatty\",\"payload\":{\"lines\":200,\"size\":1000}}");
                await().atMost(Duration.ofSeconds(60)).until(() -> fast.received.of("job_status_change").stream()
                        .filter(e -> e.payload().path("status").asText().equals("completed")).count() == 60);
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(took).isLessThan(Duration.ofSeconds(30));
            }
            // now it reads: some of the old events, then a resync telling it to reload
            slow.setSoTimeout(10_000);
            InputStream in = slow.getInputStream();
            StringBuilder got = new StringBuilder();
            byte[] buf = new byte[65536];
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (got.indexOf("\"type\":\"resync\"") < 0 && System.nanoTime() < deadline) {
                int n = in.read(buf);
                if (n < 0) break;
                got.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            assertThat(got.toString()).contains("\"type\":\"resync\"").contains("\"reason\":\"overflow\"");
        }
    }

    @Test
    void badParametersAre400JsonErrors() {
        for (String q : List.of("?since=abc", "?since=-1", "?types=job_log,bogus", "?job_id=not-a-uuid", "?root_id=123",
                "?since=1&since=2", "?jobid=01a2032b-9481-7000-9dc2-25dde48cc957")) {
            Http.Response r = http.get("/api/events" + q);
            assertThat(r.status()).as(q).isEqualTo(400);
            assertThat(r.errorCode()).as(q).isEqualTo("invalid_request");
            assertThat(r.json().path("error").has("details")).isTrue();
        }
        assertThat(http.get("/api/events?jobid=x").errorMessage()).contains("unknown parameter 'jobid'");
        Http.Response unknown = http.get("/api/events?types=nope");
        assertThat(unknown.json().path("error").path("details").path("allowed")).isNotEmpty();
        Http.Response header = Http.raw(server.port(), "GET /api/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: x1\r\nConnection: close\r\n\r\n");
        assertThat(header.status()).isEqualTo(400);
        assertThat(header.errorCode()).isEqualTo("invalid_request");
        assertThat(header.errorMessage()).contains("Last-Event-ID");
    }

    @Test
    void idleStreamsGetKeepAliveComments() throws Exception {
        server.close();
        server = EventServers.start(new ServerOptions().eventStreams(new EventRoutes.Settings(100, Duration.ofMillis(200))));
        try (SseTestClient sse = SseTestClient.open(url(""))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> sse.comments.size() >= 3);
            assertThat(sse.comments).allMatch(c -> c.startsWith(":"));
        }
    }

    @Test
    void closingTheServerEndsOpenStreamsPromptly() throws Exception {
        SseTestClient sse = SseTestClient.open(url(""));
        long t0 = System.nanoTime();
        server.close();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(sse::ended);
        sse.close();
    }
}
