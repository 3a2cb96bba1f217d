package io.ordo.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.OrdoConfig;
import io.ordo.core.UnknownJobTypeException;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.JobTypeOptions;
import io.ordo.core.model.Capabilities;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.util.Json;
import io.ordo.core.util.Uuids;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns requests into insertable jobs: validates every field (messages name the field), asks the
 * type's handler to validate the payload, and fills defaults from the handler and the config.
 */
public final class JobFactory {
    private static final int MAX_KEY = 255;
    private static final int MAX_TAGS = 32;

    private final OrdoConfig config;
    private final HandlerRegistry handlers;

    public JobFactory(OrdoConfig config, HandlerRegistry handlers) {
        this.config = config;
        this.handlers = handlers;
    }

    public List<NewJob> build(List<JobRequest> requests, Job parent, Instant now) {
        List<NewJob> out = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            try {
                out.add(build(requests.get(i), parent, now));
            } catch (InvalidRequestException e) {
                if (requests.size() == 1) throw e;
                throw new InvalidRequestException("job " + i + " of the batch: " + e.getMessage());
            }
        }
        return out;
    }

    public NewJob build(JobRequest r, Job parent, Instant now) {
        return build(r, parent, now, !config.acceptUnknownTypes());
    }

    /**
     * A job whose type was checked when it was asked for, elsewhere (a schedule's tick, built on
     * whichever node leads): a type this node has no handler for takes the defaults instead of being refused.
     */
    public NewJob buildChecked(JobRequest r, Instant now) {
        return build(r, null, now, false);
    }

    private NewJob build(JobRequest r, Job parent, Instant now, boolean knownTypesOnly) {
        String type = Names.checkType(r.type());
        if (parent != null && r.hasDependencies()) throw new InvalidRequestException("depends_on: only a submitted job may depend on jobs, not a child");
        JobHandler handler = handlers.get(type).orElse(null);
        if (handler == null && knownTypesOnly) throw new UnknownJobTypeException(type, handlers.types());
        JobTypeOptions opts = handler == null ? JobTypeOptions.DEFAULTS : handler.options();

        JsonNode payload = Json.toTree(r.payload());
        if (handler != null) handler.validate(payload);

        String queue = r.queue() == null ? (parent != null ? parent.queue() : "default") : Names.checkQueue(r.queue());
        if (r.delay() != null && r.delay().isNegative()) throw new InvalidRequestException("delay must not be negative (got " + r.delay() + ")");
        if (r.delay() != null && r.runAt() != null) throw new InvalidRequestException("give either run_at or delay, not both");
        Instant runAt = r.runAt() != null ? r.runAt() : r.delay() != null ? now.plus(r.delay()) : now;
        JobStatus status = runAt.isAfter(now) ? JobStatus.SCHEDULED : JobStatus.PENDING;

        int maxAttempts = r.maxAttempts() != null ? r.maxAttempts()
                : opts.maxAttempts() != null ? opts.maxAttempts() : config.defaultMaxAttempts();
        if (maxAttempts < 1) throw new InvalidRequestException("max_attempts must be >= 1 (got " + maxAttempts + ")");
        Duration timeout = r.timeout() != null ? r.timeout() : opts.timeout();
        positive("timeout", timeout);
        positive("result_ttl", r.resultTtl());
        positive("backoff base", r.backoffBase());
        positive("backoff cap", r.backoffCap());
        key("unique_key", r.uniqueKey());
        key("cache_key", r.cacheKey());
        key("dedup_key", r.dedupKey());
        int depth = parent == null ? 0 : parent.depth() + 1;
        if (depth > config.maxDepth()) {
            throw new io.ordo.core.SpawnLimitException("job " + parent.id() + " is at depth " + parent.depth()
                    + "; children would exceed the maximum depth " + config.maxDepth());
        }
        if (r.tags().size() > MAX_TAGS) throw new InvalidRequestException("at most " + MAX_TAGS + " tags");
        for (String t : r.tags()) key("tag", t);

        UUID id = Uuids.v7();
        UUID scopeId = r.scope() ? id : parent == null ? null : parent.scopeId();
        return new NewJob(id, type, queue, r.priority() == null ? 0 : r.priority(), payload, status,
                maxAttempts, runAt, timeout,
                parent == null ? null : parent.id(), parent == null ? null : parent.rootId(),
                r.definitionId() != null ? r.definitionId() : parent == null ? null : parent.definitionId(),
                r.step() != null ? r.step() : parent == null ? null : parent.step(),
                depth, r.resultTtl(), r.uniqueKey(), r.cacheKey(), r.tags(),
                r.backoffBase() != null ? r.backoffBase() : opts.backoffBase(),
                r.backoffCap() != null ? r.backoffCap() : opts.backoffCap(), now,
                scopeId, r.dedupKey(), r.childPolicy(), null, null, null, webhook(r.webhookUrl()),
                Capabilities.of(r.requires(), "requires").canonical());
    }

    private static String webhook(String url) {
        if (url == null) return null;
        try {
            java.net.URI u = new java.net.URI(url);
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) throw new java.net.URISyntaxException(url, "not http(s)");
        } catch (java.net.URISyntaxException e) {
            throw new InvalidRequestException("webhook_url: '" + url + "' is not an absolute http(s) URL");
        }
        if (url.length() > 2048) throw new InvalidRequestException("webhook_url: at most 2048 characters");
        return url;
    }

    private static void positive(String field, Duration d) {
        if (d != null && (d.isNegative() || d.isZero())) throw new InvalidRequestException(field + " must be positive (got " + d + ")");
    }

    private static void key(String field, String v) {
        if (v != null && (v.isBlank() || v.length() > MAX_KEY)) {
            throw new InvalidRequestException(field + " must be 1-" + MAX_KEY + " characters");
        }
    }
}
