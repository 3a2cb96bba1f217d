package io.ordo.core.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.util.Json;
import io.ordo.core.util.Uuids;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Webhooks: when a job that names a {@code webhook_url} is terminal, a delivery job of type
 * {@value #TYPE} is queued (once — the store flips the job's flag and inserts the delivery in one
 * transaction) and POSTs the job's summary, signed: {@code X-Ordo-Signature: sha256=HEX} where HEX
 * is the HMAC-SHA256 of {@code TIMESTAMP + "." + BODY} with the webhook secret, and
 * {@code X-Ordo-Timestamp: TIMESTAMP} (epoch seconds). Failed deliveries are retried with backoff.
 */
public final class Webhooks {
    public static final String TYPE = "ordo.webhook";
    public static final String SECRET_SETTING = "webhook_secret";
    public static final int ATTEMPTS = 10;

    private Webhooks() {
    }

    /** The summary POSTed for a terminal job. */
    public static ObjectNode summary(Job j) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("event", "job." + j.status().wireName());
        o.put("job_id", j.id().toString());
        o.put("type", j.type());
        o.put("queue", j.queue());
        o.put("status", j.status().wireName());
        o.put("attempt", j.attempt());
        o.put("max_attempts", j.maxAttempts());
        if (j.definitionId() != null) o.put("definition_id", j.definitionId());
        if (j.parentId() != null) o.put("parent_id", j.parentId().toString());
        o.put("root_id", j.rootId().toString());
        if (j.error() != null) o.put("error", j.error());
        if (j.warning() != null) o.put("warning", j.warning());
        if (j.result() != null) o.set("result", j.result());
        o.put("created_at", j.createdAt().toString());
        if (j.startedAt() != null) o.put("started_at", j.startedAt().toString());
        if (j.finishedAt() != null) o.put("finished_at", j.finishedAt().toString());
        return o;
    }

    /** The delivery job for a terminal job's webhook. */
    public static NewJob delivery(Job j, Instant now) {
        ObjectNode payload = Json.MAPPER.createObjectNode();
        payload.put("url", j.webhookUrl());
        payload.set("body", summary(j));
        return new NewJob(Uuids.v7(), TYPE, j.queue(), -10, payload, JobStatus.PENDING, ATTEMPTS, now, Duration.ofSeconds(30),
                null, null, j.definitionId(), null, 0, null, null, null, List.of("webhook"), Duration.ofSeconds(2), Duration.ofMinutes(10), now);
    }

    /** {@code sha256=HEX}: the HMAC-SHA256 of {@code timestamp + "." + body} with {@code secret}. */
    public static String signature(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** A new random secret (256 bits, hex). */
    public static String newSecret() {
        byte[] b = new byte[32];
        new java.security.SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
