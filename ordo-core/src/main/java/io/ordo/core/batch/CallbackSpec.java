package io.ordo.core.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.model.JobRequest;
import io.ordo.core.util.Json;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A callback job request kept in the batch job's payload until the batch ends: any node may be
 * the one that enqueues it, so it is stored as JSON, not held in memory.
 */
final class CallbackSpec {
    private CallbackSpec() {
    }

    /** The request as JSON; keys and fields a callback cannot have are refused, naming {@code kind}. */
    static ObjectNode write(String kind, JobRequest r) {
        if (r.uniqueKey() != null) throw new BatchFieldException(kind + ".unique_key", "a callback cannot have a unique_key (it runs once per batch already)");
        if (r.cacheKey() != null) throw new BatchFieldException(kind + ".cache_key", "a callback cannot have a cache_key");
        if (r.dedupKey() != null) throw new BatchFieldException(kind + ".dedup_key", "a callback cannot have a dedup_key");
        if (r.childPolicy() != null || r.scope() || r.definitionId() != null) {
            throw new BatchFieldException(kind, "a callback is a plain job: no child policy, scope or definition");
        }
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("type", r.type());
        o.set("payload", Json.toTree(r.payload()));
        if (r.queue() != null) o.put("queue", r.queue());
        if (r.priority() != null) o.put("priority", r.priority());
        if (r.delay() != null) o.put("delay", r.delay().toString());
        if (r.runAt() != null) o.put("run_at", r.runAt().toString());
        if (r.maxAttempts() != null) o.put("max_attempts", r.maxAttempts());
        if (r.timeout() != null) o.put("timeout", r.timeout().toString());
        if (r.resultTtl() != null) o.put("result_ttl", r.resultTtl().toString());
        if (!r.tags().isEmpty()) o.set("tags", Json.MAPPER.valueToTree(r.tags()));
        if (r.backoffBase() != null) o.put("backoff_base", r.backoffBase().toString());
        if (r.backoffCap() != null) o.put("backoff_cap", r.backoffCap().toString());
        if (r.webhookUrl() != null) o.put("webhook_url", r.webhookUrl());
        if (!r.requires().isEmpty()) o.set("requires", Json.MAPPER.valueToTree(r.requires()));
        return o;
    }

    /** The request back, with {@code payload} in place of the callback's own payload. */
    static JobRequest read(JsonNode o, JsonNode payload) {
        JobRequest r = JobRequest.of(o.path("type").asText()).payload(payload);
        if (o.has("queue")) r.queue(o.get("queue").asText());
        if (o.has("priority")) r.priority(o.get("priority").asInt());
        if (o.has("delay")) r.delay(Duration.parse(o.get("delay").asText()));
        if (o.has("run_at")) r.runAt(Instant.parse(o.get("run_at").asText()));
        if (o.has("max_attempts")) r.maxAttempts(o.get("max_attempts").asInt());
        if (o.has("timeout")) r.timeout(Duration.parse(o.get("timeout").asText()));
        if (o.has("result_ttl")) r.resultTtl(Duration.parse(o.get("result_ttl").asText()));
        if (o.has("tags")) {
            List<String> tags = new ArrayList<>();
            o.get("tags").forEach(t -> tags.add(t.asText()));
            r.tags(tags);
        }
        if (o.has("backoff_base") || o.has("backoff_cap")) {
            r.backoff(o.has("backoff_base") ? Duration.parse(o.get("backoff_base").asText()) : null,
                    o.has("backoff_cap") ? Duration.parse(o.get("backoff_cap").asText()) : null);
        }
        if (o.has("webhook_url")) r.webhookUrl(o.get("webhook_url").asText());
        if (o.has("requires")) {
            Map<String, String> req = new LinkedHashMap<>();
            o.get("requires").properties().forEach(e -> req.put(e.getKey(), e.getValue().asText()));
            r.requires(req);
        }
        return r;
    }
}
