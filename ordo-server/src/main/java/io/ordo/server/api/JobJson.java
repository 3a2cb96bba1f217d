package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStats;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Page;
import io.ordo.core.util.Durations;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The wire shapes of jobs and stats (snake_case, ISO-8601 UTC timestamps, durations as
 * {@code "30s"}). Every route writes jobs through here, so the REST API, {@code jobs show --json}
 * and {@code submit --wait --json} all show the same object.
 */
public final class JobJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JobJson() {
    }

    public static String statusUrl(UUID id) {
        return "/api/jobs/" + id;
    }

    /** The full job object. */
    public static ObjectNode job(Job j) {
        ObjectNode o = NODES.objectNode();
        o.put("id", str(j.id()));
        o.put("type", j.type());
        o.put("queue", j.queue());
        o.put("priority", j.priority());
        o.set("payload", j.payload() == null ? NODES.objectNode() : j.payload());
        o.put("status", j.status().wireName());
        o.put("attempt", j.attempt());
        o.put("max_attempts", j.maxAttempts());
        o.put("run_at", time(j.runAt()));
        o.put("lease_owner", j.leaseOwner());
        o.put("lease_until", time(j.leaseUntil()));
        o.put("timeout", duration(j.timeout()));
        o.put("parent_id", str(j.parentId()));
        o.put("root_id", str(j.rootId()));
        o.put("definition_id", j.definitionId());
        o.put("step", j.step());
        o.put("depth", j.depth());
        ObjectNode progress = o.putObject("progress");
        progress.put("current", j.progressCurrent());
        progress.put("total", j.progressTotal());
        progress.put("text", j.progressText());
        o.set("result", j.result() == null ? NODES.nullNode() : j.result());
        o.put("result_expires_at", time(j.resultExpiresAt()));
        o.put("error", j.error());
        o.put("warning", j.warning());
        ArrayNode errors = o.putArray("errors");
        for (AttemptError e : j.errors()) errors.add(attemptError(e));
        o.put("unique_key", j.uniqueKey());
        o.put("cache_key", j.cacheKey());
        o.put("webhook_url", j.webhookUrl());
        ObjectNode requires = o.putObject("requires");
        j.requirements().asMap().forEach(requires::put);
        ArrayNode tags = o.putArray("tags");
        j.tags().forEach(tags::add);
        o.set("meta", j.meta() == null ? NODES.objectNode() : j.meta());
        ArrayNode dependsOn = o.putArray("depends_on");
        j.meta().path("depends_on").forEach(dependsOn::add);
        o.put("run_on_failure", j.meta().path("run_on_failure").asBoolean(false));
        o.put("cancel_requested", j.cancelRequested());
        o.put("created_at", time(j.createdAt()));
        o.put("started_at", time(j.startedAt()));
        o.put("finished_at", time(j.finishedAt()));
        o.put("updated_at", time(j.updatedAt()));
        return o;
    }

    /** A page of jobs: {@code {jobs: [job], next_cursor}} ({@code next_cursor} null on the last page). */
    public static ObjectNode page(Page<Job> page) {
        ObjectNode body = NODES.objectNode();
        ArrayNode out = body.putArray("jobs");
        page.items().forEach(j -> out.add(job(j)));
        body.put("next_cursor", page.nextCursor());
        return body;
    }

    /**
     * {@code {results: [{id, job_id, type, step, status, title, reference, result, created_at, expires_at}], next_cursor}}:
     * saved results, newest first; {@code type}, {@code step} and {@code status} are the saving job's.
     * {@code result_expires_at} repeats {@code expires_at} for clients of the one-result-per-job shape.
     */
    public static ObjectNode results(Page<io.ordo.core.model.SavedResult> page) {
        ObjectNode body = NODES.objectNode();
        ArrayNode out = body.putArray("results");
        for (io.ordo.core.model.SavedResult r : page.items()) {
            ObjectNode o = out.addObject();
            o.put("id", r.id());
            o.put("job_id", str(r.jobId()));
            o.put("type", r.type());
            o.put("step", r.step());
            o.put("status", r.status() == null ? null : r.status().wireName());
            o.put("title", r.title());
            o.put("reference", r.reference());
            o.set("result", r.data());
            o.put("created_at", time(r.createdAt()));
            o.put("expires_at", time(r.expiresAt()));
            o.put("result_expires_at", time(r.expiresAt()));
        }
        body.put("next_cursor", page.nextCursor());
        return body;
    }

    /** {@code {logs: [{seq, attempt, at, level, message}], next_after}}; {@code next_after} is {@code after} when there are none. */
    public static ObjectNode logs(List<JobLog> logs, long after) {
        ObjectNode body = NODES.objectNode();
        ArrayNode out = body.putArray("logs");
        long last = after;
        for (JobLog l : logs) {
            ObjectNode o = out.addObject();
            o.put("seq", l.seq());
            o.put("attempt", l.attempt());
            o.put("at", time(l.at()));
            o.put("level", l.level().wireName());
            o.put("message", l.message());
            last = Math.max(last, l.seq());
        }
        body.put("next_after", last);
        return body;
    }

    public static ObjectNode attemptError(AttemptError e) {
        ObjectNode o = NODES.objectNode();
        o.put("attempt", e.attempt());
        o.put("owner", e.owner());
        o.put("at", time(e.at()));
        o.put("reason", e.reason());
        o.put("message", e.message());
        return o;
    }

    /**
     * The answer to a submit: {@code {job_id, status, status_url, created}}; {@code created} is
     * false when a unique or cache key resolved the submit to an existing job.
     */
    public static ObjectNode accepted(Job j, boolean created) {
        ObjectNode o = NODES.objectNode();
        o.put("job_id", str(j.id()));
        o.put("status", j.status().wireName());
        o.put("status_url", statusUrl(j.id()));
        o.put("created", created);
        return o;
    }

    /** {@code {statuses: {scheduled: n, …}, total, queues: {name: {status: n}}}}; every status always present. */
    public static ObjectNode stats(JobStats s) {
        ObjectNode o = NODES.objectNode();
        o.set("statuses", counts(s.byStatus()));
        o.put("total", s.total());
        ObjectNode queues = o.putObject("queues");
        s.byQueue().forEach((q, m) -> queues.set(q, counts(m)));
        return o;
    }

    private static ObjectNode counts(Map<JobStatus, Long> m) {
        ObjectNode o = NODES.objectNode();
        for (JobStatus st : JobStatus.values()) o.put(st.wireName(), m.getOrDefault(st, 0L));
        return o;
    }

    /** {@code {"error": {"code", "message", "details"}}}: the one error shape of the API. */
    public static ObjectNode error(String code, String message, Map<String, ?> details) {
        ObjectNode o = NODES.objectNode();
        ObjectNode e = o.putObject("error");
        e.put("code", code);
        e.put("message", message);
        e.set("details", ApiJson.MAPPER.valueToTree(details == null ? Map.of() : details));
        return o;
    }

    private static String str(UUID id) {
        return id == null ? null : id.toString();
    }

    /** UTC with milliseconds, always three digits, e.g. {@code 2030-01-01T10:00:00.000Z}: the same whatever the store's precision. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static String time(Instant t) {
        return t == null ? null : TIME.format(t);
    }

    private static String duration(Duration d) {
        return d == null ? null : Durations.format(d);
    }
}
