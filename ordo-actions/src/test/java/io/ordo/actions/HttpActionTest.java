package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HttpActionTest extends ActionTestSupport {
    private TestSite site;

    @BeforeEach
    void site() throws Exception {
        site = new TestSite();
        site.route("/json", ex -> TestSite.respond(ex, 200, "application/json", "{\"ok\":true,\"n\":[1,2]}"));
        site.route("/text", ex -> TestSite.respond(ex, 200, "text/plain; charset=utf-8", "plain text é"));
        site.route("/echo", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var out = Json.MAPPER.createObjectNode()
                    .put("method", ex.getRequestMethod())
                    .put("x_test", ex.getRequestHeaders().getFirst("X-Test"))
                    .put("content_type", ex.getRequestHeaders().getFirst("Content-Type"))
                    .put("body", body);
            TestSite.respond(ex, 201, "application/json; charset=utf-8", out.toString());
        });
        site.route("/status/500", ex -> TestSite.respond(ex, 500, "text/plain", "boom"));
        site.route("/status/404", ex -> TestSite.respond(ex, 404, "text/plain", "nope"));
        site.route("/redirect", ex -> {
            ex.getResponseHeaders().set("Location", "/json");
            TestSite.respond(ex, 302, null, "");
        });
        site.route("/redirect-to-metadata", ex -> {
            ex.getResponseHeaders().set("Location", "http://169.254.169.254/latest/meta-data/");
            TestSite.respond(ex, 302, null, "");
        });
        site.route("/auth-echo", ex -> TestSite.respond(ex, 200, "application/json",
                Json.MAPPER.createObjectNode().put("authorization", ex.getRequestHeaders().getFirst("Authorization")).toString()));
        site.route("/redirect-same-origin", ex -> {
            ex.getResponseHeaders().set("Location", "/auth-echo");
            TestSite.respond(ex, 307, null, "");
        });
        site.route("/redirect-other-origin", ex -> {
            ex.getResponseHeaders().set("Location", "http://localhost:" + site.port() + "/auth-echo");
            TestSite.respond(ex, 307, null, "");
        });
        site.route("/slow", ex -> TestSite.respond(ex, 200, "text/plain", "late")).slow("/slow", 3000);
    }

    @AfterEach
    void stop() {
        site.close();
    }

    private Job httpStep(Job run) {
        return stepJob(run, "call");
    }

    @Test
    void getStoresStatusHeadersAndParsedJsonBody() {
        node(new HttpAction());
        Job run = run(step("call", "http", cfg(Map.of("url", site.url("/json")))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        JsonNode r = httpStep(run).result();
        assertThat(r.path("status").asInt()).isEqualTo(200);
        assertThat(r.path("headers").path("content-type").asText()).isEqualTo("application/json");
        assertThat(r.path("body").path("ok").asBoolean()).isTrue();
        assertThat(r.path("body").path("n").size()).isEqualTo(2);
        assertThat(logs(httpStep(run).id())).anyMatch(l -> l.message().contains("GET " + site.url("/json") + " -> 200"));
    }

    @Test
    void textBodyStaysText() {
        node(new HttpAction());
        Job run = run(step("call", "http", cfg(Map.of("url", site.url("/text")))));
        assertThat(httpStep(run).result().path("body").asText()).isEqualTo("plain text é");
    }

    @Test
    void postsJsonBodyWithHeaders() {
        node(new HttpAction());
        Job run = run(step("call", "http", cfg(Map.of("method", "post", "url", site.url("/echo"),
                "headers", Map.of("X-Test", "yes"), "body", Map.of("a", 1)))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        JsonNode body = httpStep(run).result().path("body");
        assertThat(body.path("method").asText()).isEqualTo("POST");
        assertThat(body.path("x_test").asText()).isEqualTo("yes");
        assertThat(body.path("content_type").asText()).startsWith("application/json");
        assertThat(body.path("body").asText()).isEqualTo("{\"a\":1}");
        assertThat(httpStep(run).result().path("status").asInt()).isEqualTo(201);
    }

    @Test
    void unexpectedStatusFailsTheStepWithAClearMessage() {
        node(new HttpAction());
        Job run = run(step("call", "http", cfg(Map.of("url", site.url("/status/500")))));
        assertThat(run.status()).isEqualTo(JobStatus.FAILED);
        Job step = httpStep(run);
        assertThat(step.status()).isEqualTo(JobStatus.FAILED);
        assertThat(step.error()).contains("GET " + site.url("/status/500") + " returned 500, expected 2xx: boom");
        assertThat(step.result().path("status").asInt()).isEqualTo(500);
        assertThat(step.attempt()).isEqualTo(1);
    }

    @Test
    void expectStatusAcceptsListedCodes() {
        node(new HttpAction());
        Job run = run(step("call", "http", cfg(Map.of("url", site.url("/status/404"), "expect_status", List.of(200, 404)))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(httpStep(run).result().path("status").asInt()).isEqualTo(404);
    }

    @Test
    void followsRedirectsHopByHop() {
        node(new HttpAction());
        Job run = run(step("call", "http", cfg(Map.of("url", site.url("/redirect")))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(httpStep(run).result().path("body").path("ok").asBoolean()).isTrue();
        assertThat(httpStep(run).result().path("url").asText()).isEqualTo(site.url("/json"));

        Job noFollow = run(step("call", "http", cfg(Map.of("url", site.url("/redirect"), "max_redirects", 0, "expect_status", 302))));
        assertThat(noFollow.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(httpStep(noFollow).result().path("headers").path("location").asText()).isEqualTo("/json");
    }

    @Test
    void metadataAddressIsRefusedBeforeAnyConnection() {
        node(new HttpAction());
        long t0 = System.nanoTime();
        Job run = run(step("call", "http", cfg(Map.of("url", "http://169.254.169.254/latest/meta-data/"))));
        assertThat(run.status()).isEqualTo(JobStatus.FAILED);
        assertThat(httpStep(run).error()).contains("refused").contains("169.254.169.254").contains("denied range");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(5000);
    }

    @Test
    void aRedirectToADeniedAddressIsRefused() {
        node(new HttpAction());
        Job run = run(step("call", "http", cfg(Map.of("url", site.url("/redirect-to-metadata")))));
        assertThat(run.status()).isEqualTo(JobStatus.FAILED);
        assertThat(httpStep(run).error()).contains("refused").contains("169.254.169.254");
        assertThat(site.hits("/redirect-to-metadata")).isEqualTo(1);
    }

    @Test
    void aHostResolvingToADeniedRangeIsRefusedWithoutContactingIt() {
        node(new HttpAction(NetworkPolicy.strict())); // loopback denied
        Job run = run(step("call", "http", cfg(Map.of("url", "http://localhost:" + site.port() + "/json"))));
        assertThat(run.status()).isEqualTo(JobStatus.FAILED);
        assertThat(httpStep(run).error()).contains("host localhost resolves to").contains("denied range");
        assertThat(site.total.get()).isZero();
    }

    @Test
    void timeoutFailsTheStep() {
        node(new HttpAction());
        long t0 = System.nanoTime();
        Job run = run(step("call", "http", cfg(Map.of("url", site.url("/slow"), "timeout", "300ms"))));
        assertThat(run.status()).isEqualTo(JobStatus.FAILED);
        assertThat(httpStep(run).error()).contains("timed out after 300ms");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2500);
    }

    @Test
    void credentialsAreDroppedWhenARedirectLeavesTheOrigin() {
        node(new HttpAction());
        Map<String, Object> headers = Map.of("Authorization", "Bearer secret");
        Job same = run(step("call", "http", cfg(Map.of("url", site.url("/redirect-same-origin"), "headers", headers))));
        assertThat(httpStep(same).result().path("body").path("authorization").asText()).isEqualTo("Bearer secret");
        Job other = run(step("call", "http", cfg(Map.of("url", site.url("/redirect-other-origin"), "headers", headers))));
        assertThat(other.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(httpStep(other).result().path("body").path("authorization").isNull()).isTrue();
        assertThat(site.hits("localhost", "/auth-echo")).isEqualTo(1);
    }
}
