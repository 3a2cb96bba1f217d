package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.ops.Webhooks;
import io.ordo.core.util.Json;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Delivers webhooks (jobs of type {@value Webhooks#TYPE}): POSTs the job summary to the URL the
 * job named, signed (see {@link Webhooks}), through the network policy. A 2xx answer delivers it;
 * anything else fails the attempt and the engine retries with backoff ({@value Webhooks#ATTEMPTS}
 * attempts); a 410 Gone stops at once. Redirects are not followed: a webhook URL says where to POST.
 */
public final class WebhookHandler implements JobHandler {
    private final SafeFetch fetch;
    private final Supplier<String> secret;

    /** @param secret the signing secret, read when a delivery runs (e.g. {@code ordo::webhookSecret}) */
    public WebhookHandler(SafeFetch fetch, Supplier<String> secret) {
        this.fetch = fetch;
        this.secret = secret;
    }

    @Override
    public String type() {
        return Webhooks.TYPE;
    }

    @Override
    public Object run(JobContext ctx) throws Exception {
        String url = ctx.payload().path("url").asText();
        JsonNode body = ctx.payload().path("body");
        String text = Json.write(body);
        long ts = Instant.now().getEpochSecond();
        Map<String, String> headers = Map.of(
                "X-Ordo-Event", body.path("event").asText("job"),
                "X-Ordo-Delivery", ctx.id().toString(),
                "X-Ordo-Timestamp", Long.toString(ts),
                "X-Ordo-Signature", Webhooks.signature(secret.get(), ts, text),
                "User-Agent", "Ordo-Webhook");
        SafeFetch.Response r = fetch.fetch(new SafeFetch.Request("POST", URI.create(url), headers, text.getBytes(StandardCharsets.UTF_8),
                "application/json", Duration.ofSeconds(20), 0, 64 * 1024, u -> false));
        String answer = r.text();
        if (answer.length() > 300) answer = answer.substring(0, 300) + "…";
        if (r.status() == 410) throw new PermanentFailure("webhook " + url + " answered 410 Gone: not retried");
        if (r.status() / 100 != 2) {
            throw new IllegalStateException("webhook " + url + " answered " + r.status() + (answer.isBlank() ? "" : ": " + answer));
        }
        ctx.info("delivered to " + url + " (" + r.status() + ")");
        return Map.of("status", r.status(), "url", url);
    }
}
