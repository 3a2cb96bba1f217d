package io.ordo.core.model;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a caller asks Ordo to run. Unset fields take the defaults of the job's type (its
 * {@code JobHandler.options()}) and then of the engine configuration.
 *
 * <pre>{@code
 * JobRequest.of("email").payload(Map.of("to", "a@b.c")).maxAttempts(5).delay(Duration.ofMinutes(1))
 * }</pre>
 */
public final class JobRequest {
    private final String type;
    private Object payload;
    private String queue;
    private Integer priority;
    private Instant runAt;
    private Duration delay;
    private Integer maxAttempts;
    private Duration timeout;
    private String uniqueKey;
    private String cacheKey;
    private Duration resultTtl;
    private List<String> tags = List.of();
    private Duration backoffBase;
    private Duration backoffCap;
    private String definitionId;
    private String step;
    private String dedupKey;
    private ChildPolicy childPolicy;
    private boolean scope;
    private String webhookUrl;
    private Map<String, ?> requires = Map.of();
    private List<java.util.UUID> dependsOn = List.of();
    private List<Integer> dependsOnItems = List.of();
    private boolean runOnFailure;

    private JobRequest(String type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    public static JobRequest of(String type) {
        return new JobRequest(type);
    }

    /** The payload: a {@link JsonNode}, a JSON-serializable object, or null for {@code {}}. */
    public JobRequest payload(Object payload) {
        this.payload = payload;
        return this;
    }

    public JobRequest queue(String queue) {
        this.queue = queue;
        return this;
    }

    /** Lower runs first; default 0. */
    public JobRequest priority(int priority) {
        this.priority = priority;
        return this;
    }

    public JobRequest runAt(Instant runAt) {
        this.runAt = runAt;
        return this;
    }

    public JobRequest delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    public JobRequest maxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
        return this;
    }

    public JobRequest timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /** While a job with this key is not terminal, submitting another returns the existing one. */
    public JobRequest uniqueKey(String uniqueKey) {
        this.uniqueKey = uniqueKey;
        return this;
    }

    /**
     * While a completed job with this key still has its result (within {@code ttl}), submitting
     * another returns that completed job instead of running again.
     */
    public JobRequest cacheKey(String cacheKey, Duration ttl) {
        this.cacheKey = cacheKey;
        this.resultTtl = ttl;
        return this;
    }

    /** How long the job's result is kept after it completes; null keeps it until the job is pruned. */
    public JobRequest resultTtl(Duration resultTtl) {
        this.resultTtl = resultTtl;
        return this;
    }

    public JobRequest tags(List<String> tags) {
        this.tags = tags == null ? List.of() : List.copyOf(tags);
        return this;
    }

    public JobRequest backoff(Duration base, Duration cap) {
        this.backoffBase = base;
        this.backoffCap = cap;
        return this;
    }

    public JobRequest definition(String definitionId, String step) {
        this.definitionId = definitionId;
        this.step = step;
        return this;
    }

    /**
     * Unique among the jobs of one tree (one root): spawning a second child with the same key, in
     * any state, returns the first. Used for fan-out that must not repeat work (e.g. one fetch per URL).
     */
    public JobRequest dedupKey(String dedupKey) {
        this.dedupKey = dedupKey;
        return this;
    }

    /** How this job ends once its children are done (failure tolerance), and its scope limits. */
    public JobRequest childPolicy(ChildPolicy childPolicy) {
        this.childPolicy = childPolicy;
        return this;
    }

    /** This job opens a scope: its child policy's limits (max children, max depth) cover all its descendants. */
    public JobRequest scope(boolean scope) {
        this.scope = scope;
        return this;
    }

    /** Once the job is terminal, POST its summary here (signed with HMAC-SHA256; retried as a job of its own). */
    public JobRequest webhookUrl(String url) {
        this.webhookUrl = url;
        return this;
    }

    /**
     * Only a node with all these capabilities ({@code --capability gpu=1}) claims the job; values are
     * compared as text, numbers become their text. Jobs this job spawns do not inherit them.
     */
    public JobRequest requires(Map<String, ?> requires) {
        this.requires = requires == null ? Map.of() : requires;
        return this;
    }

    /**
     * The job waits ({@code waiting}) until all these jobs completed, then becomes pending. If one
     * fails, is cancelled or skipped, this job is skipped (see {@link #runOnFailure}). Each id must
     * name an existing job; one pruned since counts as completed. Top-level submits only.
     */
    public JobRequest dependsOn(java.util.UUID... ids) {
        return dependsOn(List.of(ids));
    }

    public JobRequest dependsOn(java.util.Collection<java.util.UUID> ids) {
        this.dependsOn = ids == null ? List.of() : List.copyOf(ids);
        return this;
    }

    /**
     * Dependencies on other jobs of the same batch submit, by their index in the batch (0 = first):
     * a chain or a diamond in one request. A cycle is refused.
     */
    public JobRequest dependsOnItems(Integer... indexes) {
        this.dependsOnItems = List.of(indexes);
        return this;
    }

    /** With dependencies: run even when one of them failed, was cancelled or skipped (it still waits for them to end). */
    public JobRequest runOnFailure(boolean runOnFailure) {
        this.runOnFailure = runOnFailure;
        return this;
    }

    public String type() { return type; }
    public Object payload() { return payload; }
    public String queue() { return queue; }
    public Integer priority() { return priority; }
    public Instant runAt() { return runAt; }
    public Duration delay() { return delay; }
    public Integer maxAttempts() { return maxAttempts; }
    public Duration timeout() { return timeout; }
    public String uniqueKey() { return uniqueKey; }
    public String cacheKey() { return cacheKey; }
    public Duration resultTtl() { return resultTtl; }
    public List<String> tags() { return tags; }
    public Duration backoffBase() { return backoffBase; }
    public Duration backoffCap() { return backoffCap; }
    public String definitionId() { return definitionId; }
    public String step() { return step; }
    public String dedupKey() { return dedupKey; }
    public ChildPolicy childPolicy() { return childPolicy; }
    public boolean scope() { return scope; }
    public String webhookUrl() { return webhookUrl; }
    public Map<String, ?> requires() { return requires; }
    public List<java.util.UUID> dependsOn() { return dependsOn; }
    public List<Integer> dependsOnItems() { return dependsOnItems; }
    public boolean runOnFailure() { return runOnFailure; }
    public boolean hasDependencies() { return !dependsOn.isEmpty() || !dependsOnItems.isEmpty(); }
}
