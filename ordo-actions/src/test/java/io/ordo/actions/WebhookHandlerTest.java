package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.ordo.core.definition.JobDefinition;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.ops.Webhooks;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WebhookHandlerTest extends ActionTestSupport {
    private static final String SECRET = "a-test-secret-of-some-length";
    private HttpServer receiver;
    private final List<Delivery> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failFirst = new AtomicInteger();

    private record Delivery(String body, String signature, String timestamp, String event, String delivery) {
    }

    private String startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Delivery(body, ex.getRequestHeaders().getFirst("X-Ordo-Signature"), ex.getRequestHeaders().getFirst("X-Ordo-Timestamp"),
                    ex.getRequestHeaders().getFirst("X-Ordo-Event"), ex.getRequestHeaders().getFirst("X-Ordo-Delivery")));
            int status = failFirst.getAndDecrement() > 0 ? 503 : 204;
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        receiver.start();
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @AfterEach
    void stopReceiver() {
        if (receiver != null) receiver.stop(0);
    }

    private void webhookNode() {
        node(c -> c.webhookSecret(SECRET).handler(new WebhookHandler(new SafeFetch(NetworkPolicy.defaults()), () -> SECRET)));
    }

    private static void assertSigned(Delivery d) {
        assertThat(d.signature()).isEqualTo(Webhooks.signature(SECRET, Long.parseLong(d.timestamp()), d.body()));
        assertThat(d.signature()).isNotEqualTo(Webhooks.signature("another-secret-entirely", Long.parseLong(d.timestamp()), d.body()));
    }

    @Test
    void aFinishedJobIsPostedSigned() throws Exception {
        String url = startReceiver();
        webhookNode();
        Job j = ordo.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 10)).webhookUrl(url));
        await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 1);
        Delivery d = received.get(0);
        assertSigned(d);
        JsonNode body = Json.parse(d.body());
        assertThat(body.path("job_id").asText()).isEqualTo(j.id().toString());
        assertThat(body.path("status").asText()).isEqualTo("completed");
        assertThat(body.path("result").path("slept_ms").asInt()).isEqualTo(10);
        assertThat(d.event()).isEqualTo("job.completed");
        await().atMost(Duration.ofSeconds(10)).until(() -> ordo.jobs().require(java.util.UUID.fromString(d.delivery())).status() == JobStatus.COMPLETED);
        // queued once: the sweep that runs every 100 ms never sends it again
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() -> received.size() == 1);
    }

    @Test
    void aFailedDeliveryIsRetriedWithBackoff() throws Exception {
        String url = startReceiver();
        failFirst.set(2);
        webhookNode();
        Job j = ordo.jobs().submit(JobRequest.of("fail").payload(Map.of("message", "broken")).maxAttempts(1).webhookUrl(url));
        await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 3);
        for (Delivery d : received) assertSigned(d);
        assertThat(received).extracting(Delivery::delivery).containsOnly(received.get(0).delivery());
        assertThat(Json.parse(received.get(2).body()).path("status").asText()).isEqualTo("failed");
        assertThat(Json.parse(received.get(2).body()).path("error").asText()).contains("broken");
        Job delivery = ordo.jobs().require(java.util.UUID.fromString(received.get(0).delivery()));
        await().atMost(Duration.ofSeconds(10)).until(() -> ordo.jobs().require(delivery.id()).status() == JobStatus.COMPLETED);
        Job done = ordo.jobs().require(delivery.id());
        assertThat(done.attempt()).isEqualTo(3);
        assertThat(done.errors()).hasSize(2).allSatisfy(e -> assertThat(e.message()).contains("503"));
        assertThat(ordo.jobs().require(j.id()).status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void aDefinitionRunPostsItsSummaryWhenItEnds() throws Exception {
        String url = startReceiver();
        webhookNode();
        JobDefinition def = new JobDefinition("hooked", "hooked", null, null, null, true, List.of(), Map.of(),
                List.of(step("a", "noop", cfg("{}"))), false, url);
        Job run = ordo.definitions().run(def);
        await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 1);
        JsonNode body = Json.parse(received.get(0).body());
        assertThat(body.path("job_id").asText()).isEqualTo(run.id().toString());
        assertThat(body.path("definition_id").asText()).isEqualTo("hooked");
        assertThat(body.path("status").asText()).isEqualTo("completed");
        assertThat(ordo.jobs().list(JobFilter.ALL.withType(Webhooks.TYPE), null, 10).items()).hasSize(1);
    }
}
