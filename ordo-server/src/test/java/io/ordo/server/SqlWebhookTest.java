package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.ops.Webhooks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Webhooks end to end on the SQL stores (SQLite file; PostgreSQL schema of its own in {@code ordo_test}). */
class SqlWebhookTest {
    static final String PG = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
    static final String PG_USER = System.getenv().getOrDefault("ORDO_TEST_PG_USER", "postgres");

    @TempDir
    Path dir;
    String schema;
    final HookReceiver hook = new HookReceiver();

    @AfterEach
    void stop() throws Exception {
        hook.close();
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(PG, PG_USER, System.getenv("ORDO_TEST_PG_PASSWORD")); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
            }
        }
    }

    OrdoServer start(String store) {
        String url;
        if (store.equals("sqlite")) {
            url = "jdbc:sqlite:" + dir.resolve("hooks.db");
        } else {
            schema = "ordo_hooks_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            url = PG + (PG.contains("?") ? "&" : "?") + "user=" + PG_USER + "&currentSchema=" + schema;
        }
        ServerOptions options = new ServerOptions().storeUrl(url).port(0).concurrency(4).shutdownGrace(Duration.ofMillis(500));
        return OrdoServer.create(options.resolve(Map.of())).start();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void completedFailedAndRetriedDeliveriesSignedWithTheStoredSecret(String store) throws Exception {
        hook.answers.add(500);
        try (OrdoServer server = start(store); Http http = new Http(server.url())) {
            String ok = http.post("/api/jobs", "{\"type\": \"noop\", \"webhook_url\": \"" + hook.url() + "\"}").json().path("job_id").asText();
            String bad = http.post("/api/jobs", "{\"type\": \"fail\", \"max_attempts\": 1, \"webhook_url\": \"" + hook.url() + "\"}")
                    .json().path("job_id").asText();

            await().atMost(Duration.ofSeconds(40)).until(() -> server.ordo().jobs().list(JobFilter.ALL.withType(Webhooks.TYPE), null, 10).items()
                    .stream().filter(j -> j.status() == JobStatus.COMPLETED).count() == 2);

            // one of the two was answered 500 first and delivered on its second attempt
            assertThat(hook.received).hasSize(3);
            List<Job> deliveries = server.ordo().jobs().list(JobFilter.ALL.withType(Webhooks.TYPE), null, 10).items();
            assertThat(deliveries).extracting(Job::attempt).containsExactlyInAnyOrder(1, 2);
            String secret = server.ordo().webhookSecret();
            assertThat(secret).as("generated once and kept in the store").isEqualTo(server.ordo().store().setting(Webhooks.SECRET_SETTING, () -> "other"));
            for (HookReceiver.Delivery d : hook.received) assertThat(d.signedWith(secret)).as(d.body()).isTrue();
            Map<String, String> statusById = new java.util.HashMap<>();
            for (HookReceiver.Delivery d : hook.received) {
                JsonNode s = d.json();
                statusById.put(s.path("job_id").asText(), s.path("status").asText());
            }
            assertThat(statusById).containsEntry(ok, "completed").containsEntry(bad, "failed");

            Job viaJava = server.ordo().jobs().submit(JobRequest.of("noop").webhookUrl(hook.url()));
            await().atMost(Duration.ofSeconds(20)).until(() -> hook.received.size() == 4);
            assertThat(hook.received.get(3).json().path("job_id").asText()).isEqualTo(viaJava.id().toString());
        }
    }
}
