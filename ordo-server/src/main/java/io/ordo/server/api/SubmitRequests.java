package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.JobRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses submit bodies into {@link JobRequest}s. The HTTP layer checks shapes and types (naming
 * the field); the engine then checks meaning (known type, valid names, positive timeouts…).
 *
 * <pre>{@code
 * {"type": "sleep", "payload": {"ms": 500}, "queue": "default", "priority": 0, "delay": "10s",
 *  "run_at": "2030-01-01T00:00:00Z", "max_attempts": 3, "timeout": "30s", "unique_key": "k",
 *  "cache_key": "c", "cache_ttl": "1h", "result_ttl": "1d", "tags": ["a"],
 *  "backoff": {"base": "1s", "cap": "5m"}, "webhook_url": "https://example.org/hook", "requires": {"gpu": "1"},
 *  "depends_on": ["0190…", "#0"], "run_on_failure": false}
 * }</pre>
 * In {@code depends_on}, {@code "#k"} names item k of the same batch (a chain or diamond in one request).
 */
public final class SubmitRequests {
    static final Set<String> JOB_FIELDS = Set.of("type", "payload", "queue", "priority", "delay", "run_at",
            "max_attempts", "timeout", "unique_key", "cache_key", "cache_ttl", "result_ttl", "tags", "backoff", "webhook_url",
            "requires", "depends_on", "run_on_failure");
    private static final java.util.regex.Pattern DEPENDENCY_ERROR = java.util.regex.Pattern.compile("^((jobs\\[\\d+]\\.)?(depends_on|run_on_failure)): ");
    private static final Set<String> BACKOFF_FIELDS = Set.of("base", "cap");
    private static final Set<String> BATCH_FIELDS = Set.of("jobs", "on_complete", "on_success", "on_failure", "name", "meta");
    /** Fields that make a batch body a batch with its own id and page rather than a plain list of jobs. */
    private static final List<String> BATCH_ONLY = List.of("on_complete", "on_success", "on_failure", "name", "meta");

    private SubmitRequests() {
    }

    /** The body of {@code POST /api/jobs}. */
    public static JobRequest one(JsonNode body) {
        return job(body, "request body", "");
    }

    /** The body of {@code POST /api/jobs/batch}: {@code {"jobs": [ …job… ]}}. */
    public static List<JobRequest> batch(JsonNode body) {
        JsonFields top = JsonFields.of(body, "request body", "", BATCH_FIELDS);
        JsonNode jobs = top.any("jobs");
        if (jobs == null) throw ApiError.badField("jobs", "field 'jobs' is required: an array of jobs");
        if (!jobs.isArray()) throw ApiError.wrongType("jobs", "an array of jobs", JsonFields.typeName(jobs));
        if (jobs.isEmpty()) throw ApiError.badField("jobs", "field 'jobs' must hold at least one job");
        List<JobRequest> out = new ArrayList<>(jobs.size());
        for (int i = 0; i < jobs.size(); i++) out.add(job(jobs.get(i), "jobs[" + i + "]", "jobs[" + i + "]"));
        return out;
    }

    /**
     * The body of {@code POST /api/jobs/batch} when it names a callback, a {@code name} or {@code meta}:
     * a batch with callbacks; empty for a plain list of jobs (answered as before).
     */
    public static java.util.Optional<io.ordo.core.batch.BatchRequest> batchWithCallbacks(JsonNode body) {
        List<JobRequest> jobs = batch(body);
        JsonFields top = JsonFields.of(body, "request body", "", BATCH_FIELDS);
        if (BATCH_ONLY.stream().noneMatch(top::has)) return java.util.Optional.empty();
        io.ordo.core.batch.BatchRequest r = io.ordo.core.batch.BatchRequest.of(jobs);
        if (top.has("on_complete")) r.onComplete(job(top.any("on_complete"), "field 'on_complete'", "on_complete"));
        if (top.has("on_success")) r.onSuccess(job(top.any("on_success"), "field 'on_success'", "on_success"));
        if (top.has("on_failure")) r.onFailure(job(top.any("on_failure"), "field 'on_failure'", "on_failure"));
        String name = top.string("name");
        if (name != null) r.name(name);
        JsonNode meta = top.any("meta");
        if (meta != null) {
            if (!meta.isObject()) throw ApiError.wrongType("meta", "an object", JsonFields.typeName(meta));
            rejectNul(meta, "meta");
            r.meta(meta);
        }
        return java.util.Optional.of(r);
    }

    private static JobRequest job(JsonNode node, String what, String path) {
        JsonFields f = JsonFields.of(node, what, path, JOB_FIELDS);
        rejectNul(node, path);
        JobRequest r = JobRequest.of(f.requiredString("type"));
        JsonNode payload = f.any("payload");
        if (payload != null) r.payload(payload);
        String queue = f.string("queue");
        if (queue != null) r.queue(queue);
        Integer priority = f.integer("priority");
        if (priority != null) r.priority(priority);
        Duration delay = f.duration("delay");
        if (delay != null) r.delay(delay);
        if (f.has("run_at")) r.runAt(f.instant("run_at"));
        if (delay != null && f.has("run_at")) throw ApiError.badField(f.field("delay"), "give either run_at or delay, not both");
        Integer maxAttempts = f.integer("max_attempts");
        if (maxAttempts != null) r.maxAttempts(maxAttempts);
        Duration timeout = f.duration("timeout");
        if (timeout != null) r.timeout(timeout);
        String uniqueKey = f.string("unique_key");
        if (uniqueKey != null) r.uniqueKey(uniqueKey);
        String cacheKey = f.string("cache_key");
        Duration cacheTtl = f.duration("cache_ttl");
        Duration resultTtl = f.duration("result_ttl");
        if (cacheTtl != null && cacheKey == null) throw ApiError.badField(f.field("cache_ttl"), "cache_ttl needs a cache_key");
        if (cacheTtl != null && resultTtl != null) {
            // a cached result lives exactly as long as the job's result, so two TTLs would contradict
            throw ApiError.badField(f.field("cache_ttl"), "give either cache_ttl or result_ttl, not both");
        }
        if (cacheKey != null) r.cacheKey(cacheKey, cacheTtl != null ? cacheTtl : resultTtl);
        else if (resultTtl != null) r.resultTtl(resultTtl);
        List<String> tags = f.strings("tags");
        if (tags != null) r.tags(tags);
        JsonFields backoff = f.object("backoff", BACKOFF_FIELDS);
        if (backoff != null) r.backoff(backoff.duration("base"), backoff.duration("cap"));
        String webhook = f.string("webhook_url");
        if (webhook != null) r.webhookUrl(webhook);
        if (f.has("requires")) r.requires(requires(f.any("requires"), f.field("requires")));
        dependencies(f, r);
        return r;
    }

    /** {@code depends_on}: job ids, or {@code "#k"} for item k of the batch; {@code run_on_failure}: a boolean. */
    private static void dependencies(JsonFields f, JobRequest r) {
        List<String> deps = f.strings("depends_on");
        if (deps != null) {
            List<java.util.UUID> ids = new ArrayList<>();
            List<Integer> items = new ArrayList<>();
            for (int i = 0; i < deps.size(); i++) {
                String d = deps.get(i).trim();
                String field = f.field("depends_on") + "[" + i + "]";
                if (d.startsWith("#")) {
                    try {
                        items.add(Integer.parseInt(d.substring(1)));
                    } catch (NumberFormatException e) {
                        throw ApiError.badField(field, "field '" + field + "' must be a job id or #k (item k of this batch), got '" + d + "'");
                    }
                } else {
                    try {
                        ids.add(java.util.UUID.fromString(d));
                    } catch (IllegalArgumentException e) {
                        throw ApiError.badField(field, "field '" + field + "' must be a job id or #k (item k of this batch), got '" + d + "'");
                    }
                }
            }
            r.dependsOn(ids).dependsOnItems(items.toArray(Integer[]::new));
        }
        JsonNode onFailure = f.any("run_on_failure");
        if (onFailure != null) {
            if (!onFailure.isBoolean()) throw ApiError.wrongType(f.field("run_on_failure"), "a boolean", JsonFields.typeName(onFailure));
            r.runOnFailure(onFailure.booleanValue());
        }
    }

    /**
     * An engine refusal of {@code depends_on} (unknown id, cycle, …) as a 400 naming the field
     * ({@code depends_on} or {@code jobs[i].depends_on}); other refusals as they are.
     */
    static RuntimeException withField(io.ordo.core.InvalidRequestException e) {
        java.util.regex.Matcher m = DEPENDENCY_ERROR.matcher(e.getMessage() == null ? "" : e.getMessage());
        return m.find() ? ApiError.badField(m.group(1), e.getMessage()) : e;
    }

    /** {@code {"gpu": "1", "class": "io"}}: string or number values (numbers become their text), checked here to name the field. */
    static Map<String, String> requires(JsonNode node, String field) {
        if (node == null || node.isNull()) return Map.of();
        if (!node.isObject()) throw ApiError.wrongType(field, "an object of capability: value", JsonFields.typeName(node));
        Map<String, Object> pairs = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (!v.isTextual() && !v.isNumber()) {
                throw ApiError.badField(field, field + "." + e.getKey() + " must be a string or a number (got " + JsonFields.typeName(v) + ")");
            }
            pairs.put(e.getKey(), v.asText());
        }
        try {
            return io.ordo.core.model.Capabilities.of(pairs, field).asMap();
        } catch (io.ordo.core.InvalidRequestException e) {
            throw ApiError.badField(field, e.getMessage());
        }
    }

    /** NUL cannot be stored by PostgreSQL's text and jsonb; refuse it up front rather than fail in the store. */
    private static void rejectNul(JsonNode n, String path) {
        if (n.isTextual()) {
            if (n.asText().indexOf('\0') >= 0) throw nul(path, "strings");
        } else if (n.isObject()) {
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (e.getKey().indexOf('\0') >= 0) throw nul(path, "keys");
                rejectNul(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey());
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) rejectNul(n.get(i), path + "[" + i + "]");
        }
    }

    private static ApiError nul(String path, String what) {
        String where = path.isEmpty() ? "request body" : "field '" + path + "'";
        return new ApiError(400, "invalid_request", where + ": " + what + " must not contain NUL (\\u0000)",
                path.isEmpty() ? Map.of() : Map.of("field", path));
    }
}
