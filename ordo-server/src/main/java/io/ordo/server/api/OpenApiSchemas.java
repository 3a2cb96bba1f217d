package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.model.JobStatus;

/** The {@code components.schemas} of the OpenAPI document: the JSON shapes the routes read and write. */
final class OpenApiSchemas {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenApiSchemas() {
    }

    static ObjectNode ref(String name) {
        return NODES.objectNode().put("$ref", "#/components/schemas/" + name);
    }

    static ObjectNode type(String type) {
        return NODES.objectNode().put("type", type);
    }

    static ObjectNode nullable(String type) {
        ObjectNode o = NODES.objectNode();
        o.putArray("type").add(type).add("null");
        return o;
    }

    static ObjectNode arrayOf(ObjectNode items) {
        ObjectNode o = type("array");
        o.set("items", items);
        return o;
    }

    /** An object with the given properties, each {@code name, schema} in turn. */
    static ObjectNode object(Object... props) {
        ObjectNode o = type("object");
        ObjectNode p = o.putObject("properties");
        for (int i = 0; i < props.length; i += 2) p.set((String) props[i], (ObjectNode) props[i + 1]);
        return o;
    }

    private static ObjectNode required(ObjectNode schema, String... names) {
        ArrayNode r = schema.putArray("required");
        for (String n : names) r.add(n);
        return schema;
    }

    private static ObjectNode status() {
        ObjectNode o = type("string");
        ArrayNode e = o.putArray("enum");
        for (JobStatus s : JobStatus.values()) e.add(s.wireName());
        return o;
    }

    private static ObjectNode counts() {
        ObjectNode o = type("object");
        o.set("additionalProperties", type("integer"));
        o.put("description", "a count for every job status");
        return o;
    }

    private static ObjectNode duration() {
        ObjectNode o = NODES.objectNode();
        o.putArray("type").add("string").add("integer");
        o.put("description", "a duration such as \"500ms\", \"1h30m\", \"PT10S\", or whole milliseconds");
        return o;
    }

    static ObjectNode all() {
        ObjectNode s = NODES.objectNode();
        s.set("Error", required(object("error", required(object("code", type("string"), "message", type("string"),
                "details", type("object")), "code", "message", "details")), "error"));
        s.set("JobRequest", required(object("type", type("string"), "payload", NODES.objectNode(), "queue", type("string"),
                "priority", type("integer"), "delay", duration(), "run_at", type("string").put("format", "date-time"),
                "max_attempts", type("integer"), "timeout", duration(), "unique_key", type("string"), "cache_key", type("string"),
                "cache_ttl", duration(), "result_ttl", duration(), "tags", arrayOf(type("string")),
                "backoff", object("base", duration(), "cap", duration()),
                "webhook_url", type("string").put("description", "POSTed the job's signed summary once it is terminal"),
                "requires", type("object").put("description", "capabilities a node needs to claim the job, e.g. {\"gpu\": \"1\"}; numbers become text"),
                "depends_on", arrayOf(type("string")).put("description", "job ids (or \"#k\": item k of the same batch) that must complete "
                        + "first; the job waits (status waiting), then is pending, or skipped if one fails, is cancelled or skipped. "
                        + "Unknown ids and cycles are refused (400). Not with delay or run_at"),
                "run_on_failure", type("boolean").put("description", "with depends_on: run once every dependency ended, even if one failed")), "type"));
        s.set("BatchRequest", required(object("jobs", arrayOf(ref("JobRequest")), "on_complete", ref("JobRequest"),
                "on_success", ref("JobRequest"), "on_failure", ref("JobRequest"), "name", type("string"), "meta", type("object")), "jobs")
                .put("description", "with on_complete, on_success, on_failure, name or meta the jobs form a batch (answered with the Batch); "
                        + "a callback is enqueued once when every job is terminal: on_complete always, on_success when none failed "
                        + "or was cancelled, on_failure otherwise"));
        s.set("Accepted", required(object("job_id", type("string").put("format", "uuid"), "status", status(),
                "status_url", type("string"), "created", type("boolean")), "job_id", "status", "status_url"));
        ObjectNode plainBatch = object("jobs", arrayOf(ref("Accepted")));
        ObjectNode batchAccepted = NODES.objectNode();
        batchAccepted.putArray("oneOf").add(plainBatch).add(ref("Batch"));
        s.set("BatchAccepted", batchAccepted);
        s.set("Batch", object("batch_id", type("string").put("format", "uuid"), "name", nullable("string"),
                "status", type("string").set("enum", NODES.arrayNode().add("running").add("completed").add("failed").add("cancelled")),
                "total", type("integer"), "done", type("integer"), "progress", type("number"), "counts", counts(),
                "callbacks", object("on_complete", type("string"), "on_success", type("string"), "on_failure", type("string")),
                "meta", type("object"), "created_at", type("string"), "finished_at", nullable("string"),
                "batch_url", type("string"), "jobs_url", type("string")));
        s.set("BatchPage", object("batches", arrayOf(ref("Batch")), "next_cursor", nullable("string")));
        s.set("Job", object("id", type("string").put("format", "uuid"), "type", type("string"), "queue", type("string"),
                "priority", type("integer"), "payload", NODES.objectNode(), "status", status(), "attempt", type("integer"),
                "max_attempts", type("integer"), "run_at", nullable("string"), "lease_owner", nullable("string"),
                "lease_until", nullable("string"), "timeout", nullable("string"), "parent_id", nullable("string"),
                "root_id", nullable("string"), "definition_id", nullable("string"), "step", nullable("string"),
                "depth", type("integer"), "progress", object("current", type("integer"), "total", type("integer"), "text", nullable("string")),
                "result", NODES.objectNode().put("description", "any JSON, or null"), "result_expires_at", nullable("string"),
                "error", nullable("string"), "warning", nullable("string"), "batch_id", type("string"),
                "errors", arrayOf(object("attempt", type("integer"), "owner", nullable("string"), "at", type("string"),
                        "reason", type("string"), "message", nullable("string"))),
                "unique_key", nullable("string"), "cache_key", nullable("string"), "webhook_url", nullable("string"), "tags", arrayOf(type("string")),
                "meta", type("object").put("description", "where the job came from, e.g. {schedule_id, tick} or {schedule_id, manual}"),
                "cancel_requested", type("boolean"), "created_at", type("string"), "started_at", nullable("string"),
                "finished_at", nullable("string"), "updated_at", type("string"),
                "children", counts(), "tree", counts(), "scope", counts(),
                "requires", type("object").put("description", "capabilities a node needs to claim it ({} for none)"),
                "waiting_for", nullable("string").put("description", "a pending job no alive node can claim: e.g. \"a node with gpu=1\""),
                "depends_on", arrayOf(type("string")).put("description", "the jobs it was submitted to wait for"),
                "run_on_failure", type("boolean"),
                "waiting_on", arrayOf(type("string")).put("description", "GET /api/jobs/{id} of a job waiting on dependencies: those not ended yet")));
        s.set("JobPage", object("jobs", arrayOf(ref("Job")), "next_cursor", nullable("string")));
        s.set("Stats", object("statuses", counts(), "total", type("integer"), "queues", type("object")));
        s.set("Logs", object("logs", arrayOf(object("seq", type("integer"), "attempt", type("integer"), "at", type("string"),
                "level", type("string"), "message", type("string"))), "next_after", type("integer")));
        s.set("Results", object("results", arrayOf(object("id", type("integer"), "job_id", type("string"), "type", type("string"),
                "step", nullable("string"), "status", status(), "title", nullable("string"), "reference", nullable("string"),
                "result", NODES.objectNode(), "created_at", type("string"), "expires_at", nullable("string"),
                "result_expires_at", nullable("string"))), "next_cursor", nullable("string")));
        s.set("CancelResult", object("job", ref("Job"), "cancelled", arrayOf(type("string")), "cancel_requested", arrayOf(type("string"))));
        s.set("Deleted", object("id", type("string"), "deleted", type("boolean")));
        ObjectNode action = type("string");
        action.putArray("enum").add("cancel").add("restart").add("delete");
        ObjectNode statusOrList = NODES.objectNode();
        statusOrList.putArray("oneOf").add(status()).add(arrayOf(status()));
        s.set("BulkRequest", required(object("action", action, "ids", arrayOf(type("string").put("format", "uuid")),
                "filter", object("status", statusOrList, "queue", type("string"), "type", type("string"),
                        "parent_id", type("string"), "root_id", type("string"), "error", type("string")),
                "max", type("integer").put("description", "with filter: act on at most this many (newest first)")), "action"));
        s.set("BulkResult", object("action", type("string"), "matched", type("integer"), "succeeded", type("integer"),
                "failed", arrayOf(object("job_id", type("string"), "code", type("string"), "message", type("string")))));
        s.set("QueueStats", object("queues", arrayOf(object("queue", type("string"), "pending", type("integer"),
                "scheduled", type("integer"), "running", type("integer"), "waiting", type("integer"),
                "completed_last_minute", type("integer"), "failed_last_minute", type("integer"),
                "completed_last_hour", type("integer"), "failed_last_hour", type("integer"),
                "throughput_per_second", type("number"), "start_latency_p50_ms", nullable("integer"),
                "start_latency_p95_ms", nullable("integer"), "paused", type("boolean"),
                "transport_messages", type("integer"), "settings", ref("Limits")))));
        s.set("Limits", object("capacity", nullable("integer").put("description", "jobs waiting (pending + scheduled) at most, checked at submit"),
                "max_running", nullable("integer").put("description", "jobs running at most, across the cluster"),
                "rate", nullable("string").put("description", "claims per fixed window, N/DURATION, e.g. 100/1m"),
                "rate_window_used", nullable("integer").put("description", "claims counted in the rate's current window")));
        s.set("LimitSettings", object("capacity", nullable("integer"), "max_running", nullable("integer"), "rate", nullable("string")));
        s.set("QueueSettings", object("queue", type("string"), "capacity", nullable("integer"), "max_running", nullable("integer"),
                "rate", nullable("string"), "rate_window_used", nullable("integer"), "cleared", type("boolean")));
        s.set("TypeSettings", object("type", type("string"), "capacity", nullable("integer"), "max_running", nullable("integer"),
                "rate", nullable("string"), "rate_window_used", nullable("integer"), "cleared", type("boolean")));
        s.set("LimitList", object("limits", arrayOf(object("scope", type("string"), "name", type("string"), "capacity", nullable("integer"),
                "max_running", nullable("integer"), "rate", nullable("string"), "rate_window_used", nullable("integer")))));
        s.set("WorkerRequest", object("node", type("string").put("description", "the node whose machine starts the worker (default: this server)"),
                "concurrency", type("integer"), "queues", arrayOf(type("string")),
                "capabilities", type("object").put("description", "passed to the worker as --capability k=v")));
        ObjectNode launched = object("node_id", type("string"), "pid", type("integer"), "status", type("string"),
                "log", type("string"), "nodes_url", type("string"));
        launched.put("description", "launched here; with another node named, a NodeOrder instead");
        launched.putArray("oneOf").add(type("object")).add(ref("NodeOrder"));
        s.set("WorkerLaunched", launched);
        s.set("NodeOrder", object("id", type("string"), "node", type("string"), "kind", type("string").put("description", "launch, drain, resume or stop"),
                "status", type("string").put("description", "pending, running, done or failed"), "url", type("string")));
        s.set("NodeCommand", object("id", type("string"), "node", type("string"), "kind", type("string"),
                "status", type("string").put("description", "pending (not taken yet), running, done or failed"), "args", type("object"),
                "created_at", type("string"), "taken_by", nullable("string"), "taken_at", nullable("string"),
                "finished_at", nullable("string"), "result", nullable("object"), "error", nullable("string")));
        s.set("QueueFlag", object("queue", type("string"), "paused", type("boolean")));
        s.set("QueuePurge", object("queue", type("string"), "cancelled", type("integer"), "transport_messages_dropped", type("integer")));
        s.set("Nodes", object("nodes", arrayOf(object("id", type("string"), "host", type("string"), "pid", type("integer"),
                "version", type("string"), "state", type("string").put("description", "alive, draining, stopped or lost"), "leader", type("boolean"), "started_at", type("string"), "seen_at", type("string"),
                "stopped_at", nullable("string"), "queues", arrayOf(type("string")), "types", arrayOf(type("string")),
                "running", type("integer"), "slots", type("integer"),
                "capabilities", type("object").put("description", "what the node offers to jobs' requirements"))), "table_health", ref("TableHealth")));
        s.set("TableHealth", object("autovacuum", type("string").put("description", "on, off or not_applicable (SQLite, memory)"),
                "detail", type("string").put("description", "why autovacuum does not cover Ordo's tables; empty otherwise"),
                "vacuum_duty", type("boolean").put("description", "whether the answering node takes its turn at the vacuum duty")));
        s.set("DefinitionBody", object("source", type("string"), "definition", type("object"), "file", type("string"),
                "format", type("string")));
        s.set("Definition", object("id", type("string"), "name", nullable("string"), "description", nullable("string"),
                "format", type("string"), "version", type("integer"), "enabled", type("boolean"), "schedule", nullable("string"), "timezone", type("string").put("description", "IANA zone the schedule is read in"),
                "tags", arrayOf(type("string")), "steps", arrayOf(type("string")), "created_at", type("string"), "updated_at", type("string"),
                "next_run_at", nullable("string").put("description", "the schedule's next tick; null when disabled or unscheduled"),
                "last_run", object("id", type("string"), "status", status(), "trigger", nullable("string"), "created_at", type("string"),
                        "finished_at", nullable("string"), "error", nullable("string"), "warning", nullable("string"))
                        .put("description", "the newest run, or null"),
                "definition", type("object").put("description", "only when read alone: the definition as JSON"),
                "source", nullable("string").put("description", "only when read alone: the text as applied")));
        s.set("ScheduleBody", required(object("id", type("string"), "type", type("string"),
                "cron", type("string").put("description", "5 fields (minute hour day month weekday) or 6 with seconds first"),
                "queue", type("string"), "payload", type("object"), "priority", type("integer"),
                "timezone", type("string").put("description", "IANA zone the cron is read in; default UTC"),
                "missed", type("string").put("description", "run_once (default): the newest tick missed while every node was down runs once; skip: none")),
                "id", "type", "cron"));
        s.set("Schedule", object("id", type("string"), "type", type("string"), "queue", type("string"), "payload", type("object"),
                "priority", nullable("integer"), "cron", type("string"), "timezone", type("string"), "missed", type("string"),
                "paused", type("boolean"), "next_run_at", nullable("string"), "last_run_at", nullable("string"),
                "last_job_id", nullable("string"), "created_at", type("string"), "updated_at", type("string")));
        s.set("ScheduleList", object("schedules", arrayOf(ref("Schedule"))));
        s.set("DefinitionList", object("definitions", arrayOf(ref("Definition"))));
        s.set("Validation", object("valid", type("boolean"), "problems", arrayOf(object("file", type("string"),
                "field", nullable("string"), "message", type("string"))), "definition", NODES.objectNode()));
        s.set("Executed", object("job_id", type("string"), "status", status(), "status_url", type("string"),
                "definition_id", type("string"), "version", type("integer")));
        s.set("Event", object("id", type("integer"), "type", type("string"), "payload", type("object")));
        s.set("Login", required(object("token", type("string")), "token"));
        s.set("LoginAnswer", object("role", type("string")));
        s.set("DeadLetter", object("groups", arrayOf(object("type", type("string"), "error", nullable("string"), "count", type("integer"),
                "first_failed_at", nullable("string"), "last_failed_at", nullable("string"), "newest_job_id", type("string"))),
                "scanned", type("integer").put("description", "how many of the newest failed jobs were grouped"),
                "failed_total", type("integer")));
        ObjectNode series = arrayOf(nullable("integer"));
        s.set("QueueHistory", object("minutes", arrayOf(type("string")).put("description", "the start of each minute, oldest first"),
                "queues", type("object").put("description", "by queue: {completed, failed, start_latency_p50_ms, start_latency_p95_ms,"
                        + " avg_run_ms}, each an array with one value per minute").set("additionalProperties",
                        object("completed", series, "failed", series, "start_latency_p50_ms", series, "start_latency_p95_ms", series,
                                "avg_run_ms", series))));
        s.set("Session", object("auth", type("boolean"), "role", nullable("string"), "node_id", type("string"), "version", type("string"),
                "store", type("string"), "launch_workers", type("boolean"), "server_time", type("string")));
        s.set("LoggedOut", object("logged_out", type("boolean")));
        s.set("Health", object("status", type("string"), "store", type("string"), "node", type("string"),
                "queue_backend", type("string"), "table_health", ref("TableHealth")));
        return s;
    }
}
