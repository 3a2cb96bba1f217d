package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.ops.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks end to end: a job (or a definition's run) names {@code webhook_url}; once it is terminal
 * the server POSTs its summary, signed, to a real HTTP receiver on 127.0.0.1, retrying failures.
 */
class WebhookTest {
    static final String SECRET = "test-webhook-secret-0123456789";

    final HookReceiver hook = new HookReceiver();
    final List<HookReceiver.Delivery> received = hook.received;
    final ConcurrentLinkedQueue<Integer> answers = hook.answers;
    final String hookUrl = hook.url();

    @AfterEach
    void stopReceiver() {
        hook.close();
    }

    private List<Job> deliveries(OrdoServer server) {
        return server.ordo().jobs().list(JobFilter.ALL.withType(Webhooks.TYPE), null, 100).items();
    }

    @Test
    void aCompletedJobsSummaryIsPostedOnceSigned() throws Exception {
        try (OrdoServer server = TestServer.start(new ServerOptions().webhookSecret(SECRET)); Http http = new Http(server.url())) {
            Http.Response submitted = http.post("/api/jobs", "{\"type\": \"noop\", \"webhook_url\": \"" + hookUrl + "\"}");
            assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
            String id = submitted.json().path("job_id").asText();

            await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(server).stream().anyMatch(j -> j.status() == JobStatus.COMPLETED));
            // the delivery job completed: nothing more is on its way
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> received.size() == 1);

            HookReceiver.Delivery d = received.getFirst();
            assertThat(d.signedWith(SECRET)).isTrue();
            assertThat(d.signedWith("another-secret-0123456789")).isFalse();
            assertThat(Long.parseLong(d.header("X-Ordo-Timestamp"))).isCloseTo(System.currentTimeMillis() / 1000, org.assertj.core.data.Offset.offset(60L));
            assertThat(d.header("X-Ordo-Event")).isEqualTo("job.completed");
            assertThat(d.header("Content-Type")).startsWith("application/json");
            JsonNode summary = d.json();
            assertThat(summary.path("job_id").asText()).isEqualTo(id);
            assertThat(summary.path("status").asText()).isEqualTo("completed");
            assertThat(summary.path("type").asText()).isEqualTo("noop");
        }
    }

    @Test
    void aReceiverThatFailsTwiceGetsItOnTheThirdAttempt() throws Exception {
        answers.addAll(List.of(500, 500));
        try (OrdoServer server = TestServer.start(new ServerOptions().webhookSecret(SECRET))) {
            Job job = server.ordo().jobs().submit(JobRequest.of("noop").webhookUrl(hookUrl));

            await().atMost(Duration.ofSeconds(40)).until(() -> deliveries(server).stream().anyMatch(j -> j.status() == JobStatus.COMPLETED));

            assertThat(received).hasSize(3);
            Job delivery = deliveries(server).getFirst();
            assertThat(delivery.attempt()).isEqualTo(3);
            assertThat(delivery.errors()).hasSize(2).allSatisfy(e -> assertThat(e.message()).contains("answered 500"));
            for (HookReceiver.Delivery d : received) {
                assertThat(d.json().path("job_id").asText()).isEqualTo(job.id().toString());
                assertThat(d.signedWith(SECRET)).isTrue();
            }
        }
    }

    @Test
    void aFailedJobTriggersItsWebhookToo() throws Exception {
        try (OrdoServer server = TestServer.start(new ServerOptions().webhookSecret(SECRET)); Http http = new Http(server.url())) {
            String id = http.post("/api/jobs", "{\"type\": \"fail\", \"max_attempts\": 1, \"webhook_url\": \"" + hookUrl + "\"}")
                    .json().path("job_id").asText();

            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);

            JsonNode summary = received.getFirst().json();
            assertThat(summary.path("job_id").asText()).isEqualTo(id);
            assertThat(summary.path("status").asText()).isEqualTo("failed");
            assertThat(summary.path("event").asText()).isEqualTo("job.failed");
            assertThat(summary.path("error").asText()).isNotBlank();
        }
    }

    @Test
    void withoutAConfiguredSecretTheGeneratedOneSigns() throws Exception {
        try (OrdoServer server = TestServer.start()) {
            server.ordo().jobs().submit(JobRequest.of("noop").webhookUrl(hookUrl));

            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);

            String secret = server.ordo().webhookSecret();
            assertThat(secret).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(SECRET);
            HookReceiver.Delivery d = received.getFirst();
            assertThat(d.signedWith(secret)).isTrue();
        }
    }

    @Test
    void aDefinitionsRunPostsItsWebhookWhenItEnds() throws Exception {
        try (OrdoServer server = TestServer.start(new ServerOptions().webhookSecret(SECRET)); Http http = new Http(server.url())) {
            String def = "{\"definition\": {\"id\": \"hooked\", \"webhook_url\": \"" + hookUrl + "\", \"steps\": [{\"name\": \"a\", \"action\": \"noop\"}]}}";
            Http.Response created = http.post("/api/jobs/definitions", def);
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String run = http.post("/api/jobs/definitions/hooked/execute", "").json().path("job_id").asText();

            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 1);

            JsonNode summary = received.getFirst().json();
            assertThat(summary.path("job_id").asText()).isEqualTo(run);
            assertThat(summary.path("definition_id").asText()).isEqualTo("hooked");
            assertThat(summary.path("status").asText()).isEqualTo("completed");
        }
    }

    @Test
    void aWebhookUrlMustBeAnAbsoluteHttpUrl() {
        try (OrdoServer server = TestServer.start(); Http http = new Http(server.url())) {
            Http.Response r = http.post("/api/jobs", "{\"type\": \"noop\", \"webhook_url\": \"ftp://x/hook\"}");
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.errorMessage()).contains("webhook_url");
            assertThat(http.post("/api/jobs", "{\"type\": \"noop\", \"webhook_url\": 5}").status()).isEqualTo(400);
        }
    }
}
