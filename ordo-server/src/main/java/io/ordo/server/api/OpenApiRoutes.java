package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ordo.server.api.OpenApiSchemas.ref;
import static io.ordo.server.api.OpenApiSchemas.type;

/**
 * {@code GET /openapi.json}: an OpenAPI 3.1 document of every route the server answers, including
 * the live ones (SSE, WebSocket), metrics and login. {@link #OPERATIONS} is the one list of routes
 * it describes; a test checks it against the routes actually registered.
 */
public final class OpenApiRoutes implements RouteGroup {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([a-z_]+)}");
    private static final String JSON = "application/json";

    /**
     * One documented route. {@code params}: query parameters as {@code name:type}; {@code body}: the request
     * schema (null for none); {@code response}: the success schema (null: not JSON, see {@code mediaType});
     * {@code errors}: the 4xx statuses it can answer.
     */
    public record Operation(String method, String path, String tag, String summary, List<String> params, String body,
                            int status, String response, String mediaType, List<Integer> errors) {
    }

    private static final List<Integer> READ = List.of(400, 404);
    private static final List<Integer> WRITE = List.of(400, 404, 409, 413);
    private static final List<String> PAGE = List.of("limit:integer", "cursor:string");

    public static final List<Operation> OPERATIONS = List.of(
            op("POST", "/api/jobs", "jobs", "Submit a job", List.of(), "JobRequest", 202, "Accepted", List.of(400, 413, 422, 429)),
            op("POST", "/api/jobs/batch", "jobs", "Submit many jobs in one transaction, optionally as a batch with callbacks", List.of(), "BatchRequest", 202, "BatchAccepted",
                    List.of(400, 413, 422, 429)),
            op("GET", "/api/batches", "batches", "List batches, newest first (keyset pages)", PAGE, null, 200, "BatchPage", List.of(400)),
            op("GET", "/api/batches/{id}", "batches", "One batch: status, counts of its jobs, progress, callbacks", List.of(), null, 200,
                    "Batch", READ),
            op("GET", "/api/jobs", "jobs", "List jobs, newest first (keyset pages)",
                    List.of("status:string", "queue:string", "type:string", "parent_id:string", "root_id:string", "error:string", "limit:integer",
                            "cursor:string"),
                    null, 200, "JobPage", List.of(400)),
            op("GET", "/api/jobs/stats", "jobs", "Job counts by status and queue", List.of(), null, 200, "Stats", List.of()),
            op("GET", "/api/jobs/dead-letter", "jobs", "Failed jobs grouped by type and error (the newest 'scan' of them)",
                    List.of("scan:integer", "limit:integer"), null, 200, "DeadLetter", List.of(400)),
            op("GET", "/api/jobs/{id}", "jobs", "One job", List.of(), null, 200, "Job", READ),
            op("GET", "/api/jobs/{id}/children", "jobs", "A job's direct children", PAGE, null, 200, "JobPage", READ),
            op("GET", "/api/jobs/{id}/tree", "jobs", "A job and every job under it", PAGE, null, 200, "JobPage", READ),
            op("GET", "/api/jobs/{id}/logs", "jobs", "A job's log lines: after a sequence number, before one, or the tail",
                    List.of("after:integer", "before:integer", "tail:integer", "limit:integer"),
                    null, 200, "Logs", READ),
            op("GET", "/api/jobs/{id}/results", "jobs", "Results saved in a job's tree (root: whole tree; step: its scope; else the job and its children), newest first", PAGE, null, 200, "Results", READ),
            op("POST", "/api/jobs/{id}/cancel", "jobs", "Cancel a job and its descendants", List.of(), null, 200, "CancelResult", WRITE),
            op("POST", "/api/jobs/{id}/restart", "jobs", "Requeue a failed or cancelled job", List.of(), null, 200, "Job", WRITE),
            op("DELETE", "/api/jobs/{id}", "jobs", "Delete a terminal job, its logs and descendants", List.of(), null, 200, "Deleted", WRITE),
            op("POST", "/api/jobs/bulk", "jobs", "Cancel, restart or delete jobs by ids or by filter", List.of(), "BulkRequest", 200,
                    "BulkResult", List.of(400, 413)),
            op("GET", "/api/jobs/definitions", "definitions", "List job definitions", List.of(), null, 200, "DefinitionList", List.of()),
            op("POST", "/api/jobs/definitions", "definitions", "Create a job definition", List.of(), "DefinitionBody", 201, "Definition",
                    List.of(400, 409, 413, 422)),
            op("POST", "/api/jobs/definitions/validate", "definitions", "Check a job definition without storing it", List.of(),
                    "DefinitionBody", 200, "Validation", List.of(400, 413)),
            op("GET", "/api/jobs/definitions/{id}", "definitions", "One job definition", List.of(), null, 200, "Definition", List.of(404)),
            op("PUT", "/api/jobs/definitions/{id}", "definitions", "Create or replace a job definition", List.of(), "DefinitionBody", 200,
                    "Definition", List.of(400, 413, 422)),
            op("DELETE", "/api/jobs/definitions/{id}", "definitions", "Delete a job definition", List.of(), null, 200, "Deleted", List.of(404)),
            op("POST", "/api/jobs/definitions/{id}/execute", "definitions", "Run a job definition now", List.of(), null, 202, "Executed",
                    List.of(404, 409)),
            op("GET", "/api/jobs/definitions/{id}/runs", "definitions", "A definition's runs, newest first", PAGE, null, 200, "JobPage",
                    READ),
            op("GET", "/api/schedules", "schedules", "List recurring jobs (schedules), by id", List.of(), null, 200, "ScheduleList", List.of()),
            op("POST", "/api/schedules", "schedules", "Create or replace a recurring job: a job of a type submitted on each cron tick",
                    List.of(), "ScheduleBody", 201, "Schedule", List.of(400, 413)),
            op("GET", "/api/schedules/{id}", "schedules", "One schedule", List.of(), null, 200, "Schedule", List.of(404)),
            op("DELETE", "/api/schedules/{id}", "schedules", "Delete a schedule (the jobs it started are kept)", List.of(), null, 200,
                    "Deleted", List.of(404)),
            op("POST", "/api/schedules/{id}/pause", "schedules", "Stop a schedule ticking", List.of(), null, 200, "Schedule", List.of(404)),
            op("POST", "/api/schedules/{id}/resume", "schedules", "Tick again from now (ticks that fell while paused do not run)", List.of(),
                    null, 200, "Schedule", List.of(404)),
            op("POST", "/api/schedules/{id}/run", "schedules", "Submit the schedule's job now (meta.manual), outside its ticks", List.of(),
                    null, 201, "Job", List.of(404, 429)),
            op("GET", "/api/queue/history", "queues", "Per-queue completions, failures, start latency and run time, minute by minute",
                    List.of("minutes:integer"), null, 200, "QueueHistory", List.of(400)),
            op("GET", "/api/queue/stats", "queues", "Per-queue counts, rates, start latency and pause flag", List.of(), null, 200,
                    "QueueStats", List.of()),
            op("POST", "/api/queues/{queue}/pause", "queues", "Stop workers claiming from a queue", List.of(), null, 200, "QueueFlag",
                    List.of(400)),
            op("POST", "/api/queues/{queue}/resume", "queues", "Let workers claim from a queue again", List.of(), null, 200, "QueueFlag",
                    List.of(400)),
            op("POST", "/api/queues/{queue}/purge", "queues", "Cancel a queue's pending and scheduled jobs and drop its broker messages",
                    List.of(), null, 200, "QueuePurge", List.of(400)),
            op("GET", "/api/limits", "limits", "Every stored queue and type limit", List.of(), null, 200, "LimitList", List.of()),
            op("GET", "/api/queues/{queue}/settings", "limits", "A queue's cluster-wide limits", List.of(), null, 200, "QueueSettings",
                    List.of(400)),
            op("PUT", "/api/queues/{queue}/settings", "limits", "Set or clear a queue's limits (a field left out is kept, null clears it)",
                    List.of(), "LimitSettings", 200, "QueueSettings", List.of(400, 413)),
            op("DELETE", "/api/queues/{queue}/settings", "limits", "Clear every limit of a queue", List.of(), null, 200, "QueueSettings",
                    List.of(400)),
            op("GET", "/api/types/{type}/settings", "limits", "A job type's cluster-wide limits", List.of(), null, 200, "TypeSettings",
                    List.of(400)),
            op("PUT", "/api/types/{type}/settings", "limits", "Set or clear a job type's limits (a field left out is kept, null clears it)",
                    List.of(), "LimitSettings", 200, "TypeSettings", List.of(400, 413)),
            op("DELETE", "/api/types/{type}/settings", "limits", "Clear every limit of a job type", List.of(), null, 200, "TypeSettings",
                    List.of(400)),
            op("GET", "/api/cluster/nodes", "cluster", "The nodes on this store and their state", List.of(), null, 200, "Nodes", List.of()),
            op("POST", "/api/cluster/workers", "cluster", "Launch a worker process on this machine, or order another node to launch one on its own",
                    List.of(), "WorkerRequest", 202, "WorkerLaunched", List.of(400, 404, 409, 413)),
            op("POST", "/api/cluster/nodes/{id}/drain", "cluster", "Order a node to stop claiming new jobs (running ones finish)", List.of(),
                    null, 202, "NodeOrder", WRITE),
            op("POST", "/api/cluster/nodes/{id}/resume", "cluster", "Order a drained node to claim again", List.of(), null, 202, "NodeOrder", WRITE),
            op("POST", "/api/cluster/nodes/{id}/stop", "cluster", "Order a node to shut down gracefully", List.of(), null, 202, "NodeOrder", WRITE),
            op("GET", "/api/cluster/commands/{id}", "cluster", "A node order and its outcome", List.of(), null, 200, "NodeCommand", READ),
            new Operation("GET", "/api/events", "live", "Server-sent events {id, type, payload}; resume with Last-Event-ID",
                    List.of("job_id:string", "root_id:string", "types:string", "since:integer"), null, 200, "Event", "text/event-stream", List.of(400)),
            new Operation("GET", "/ws", "live", "WebSocket of events {id, type, payload} (upgrade)", List.of(), null, 101, null, null, List.of()),
            new Operation("GET", "/metrics", "operations", "Prometheus metrics", List.of(), null, 200, null, "text/plain", List.of()),
            op("GET", "/health", "operations", "Liveness", List.of(), null, 200, "Health", List.of()),
            op("GET", "/ready", "operations", "Readiness: the store answers and the node has started", List.of(), null, 200, "Health",
                    List.of()),
            op("GET", "/openapi.json", "operations", "This document", List.of(), null, 200, null, List.of()),
            new Operation("GET", "/login", "auth", "The login page", List.of(), null, 200, null, "text/html", List.of()),
            new Operation("POST", "/login", "auth", "Log in with a token (form field or JSON); sets the login cookie", List.of(), "Login",
                    200, "LoginAnswer", JSON, List.of(400, 401, 413)),
            op("POST", "/logout", "auth", "Clear the login cookie (a form post is sent back to /login)", List.of(), null, 200, "LoggedOut",
                    List.of()),
            op("GET", "/api/session", "auth", "What the caller may do here: its role, and what this node offers", List.of(), null, 200,
                    "Session", List.of()),
            page("/", "Dashboard: overview"),
            page("/jobs", "Dashboard: jobs"),
            page("/jobs/{id}", "Dashboard: one job"),
            page("/runs/{id}", "Dashboard: a definition run's step graph"),
            page("/batches", "Dashboard: batches, newest first"),
            page("/batches/{id}", "Dashboard: one batch, its progress, jobs and callbacks"),
            page("/definitions", "Dashboard: job definitions"),
            page("/definitions/{id}", "Dashboard: one job definition (source, editor, runs)"),
            page("/new-definition", "Dashboard: write a new job definition"),
            page("/dead-letter", "Dashboard: failed jobs by type and error"),
            page("/nodes", "Dashboard: nodes"),
            page("/schedules", "Dashboard: recurring jobs (schedules)"),
            page("/submit", "Dashboard: submit a job"),
            new Operation("GET", "/assets/{hash}/{file}", "dashboard", "The dashboard's scripts and styles (cached for a year: the path holds"
                    + " a hash of their content)", List.of(), null, 200, null, "application/octet-stream", List.of(404)));

    /** A dashboard page: the same HTML document for every page, which then loads the page's data over the API. */
    private static Operation page(String path, String summary) {
        return new Operation("GET", path, "dashboard", summary, List.of(), null, 200, null, "text/html", List.of());
    }

    /** Answered without a token (DESIGN: health, readiness and the login itself); every other route needs one when tokens are set. */
    static final java.util.Set<String> OPEN = java.util.Set.of("GET /health", "GET /ready", "GET /login", "POST /login", "POST /logout");

    private static Operation op(String method, String path, String tag, String summary, List<String> params, String body, int status,
                                String response, List<Integer> errors) {
        return new Operation(method, path, tag, summary, params, body, status, response, JSON, errors);
    }

    private final String document;

    public OpenApiRoutes() {
        this.document = ApiJson.write(document());
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/openapi.json", ctx -> ctx.status(200).contentType(JSON).result(document));
    }

    /** The whole document. */
    public static ObjectNode document() {
        ObjectNode doc = NODES.objectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Ordo");
        info.put("version", "1");
        info.put("description", "Durable job orchestration. Errors are {\"error\": {\"code\", \"message\", \"details\"}}.");
        ObjectNode paths = doc.putObject("paths");
        for (Operation op : OPERATIONS) {
            ObjectNode item = paths.has(op.path()) ? (ObjectNode) paths.get(op.path()) : paths.putObject(op.path());
            item.set(op.method().toLowerCase(Locale.ROOT), operation(op));
        }
        ObjectNode components = doc.putObject("components");
        components.set("schemas", OpenApiSchemas.all());
        ObjectNode bearer = components.putObject("securitySchemes").putObject("bearer");
        bearer.put("type", "http");
        bearer.put("scheme", "bearer");
        bearer.put("description", "an API token; a 'read' token may only GET (and validate definitions)");
        doc.putArray("security").addObject().putArray("bearer");
        return doc;
    }

    private static ObjectNode operation(Operation op) {
        ObjectNode o = NODES.objectNode();
        o.putArray("tags").add(op.tag());
        o.put("summary", op.summary());
        o.put("operationId", op.method().toLowerCase(Locale.ROOT) + op.path().replaceAll("[^A-Za-z0-9]+", "_"));
        ArrayNode params = NODES.arrayNode();
        Matcher m = PATH_PARAM.matcher(op.path());
        while (m.find()) params.add(param(m.group(1), "path", "string", true));
        for (String p : op.params()) {
            String[] nt = p.split(":");
            params.add(param(nt[0], "query", nt[1], false));
        }
        if (!params.isEmpty()) o.set("parameters", params);
        if (op.body() != null) {
            ObjectNode rb = o.putObject("requestBody");
            rb.put("required", true);
            rb.putObject("content").putObject(JSON).set("schema", ref(op.body()));
        }
        ObjectNode responses = o.putObject("responses");
        ObjectNode ok = responses.putObject(Integer.toString(op.status()));
        ok.put("description", op.status() == 101 ? "switching protocols" : op.status() == 202 ? "accepted" : op.status() == 201 ? "created" : "ok");
        if (op.mediaType() != null) {
            ObjectNode schema = op.response() != null ? ref(op.response()) : type(op.mediaType().equals(JSON) ? "object" : "string");
            ok.putObject("content").putObject(op.mediaType()).set("schema", schema);
        }
        for (int status : op.errors()) error(responses, status);
        if (OPEN.contains(op.method() + " " + op.path())) {
            o.putArray("security");
        } else {
            error(responses, 401);
            error(responses, 403);
        }
        return o;
    }

    private static ObjectNode param(String name, String in, String type, boolean required) {
        ObjectNode p = NODES.objectNode();
        p.put("name", name);
        p.put("in", in);
        p.put("required", required);
        p.set("schema", type(type));
        return p;
    }

    private static void error(ObjectNode responses, int status) {
        ObjectNode r = responses.putObject(Integer.toString(status));
        r.put("description", switch (status) {
            case 400 -> "invalid request";
            case 401 -> "not authenticated";
            case 403 -> "not allowed";
            case 404 -> "not found";
            case 409 -> "conflict with the job's state";
            case 413 -> "body too large";
            case 422 -> "invalid job definition or unknown job type";
            case 429 -> "queue full or too many attempts";
            default -> "error";
        });
        r.putObject("content").putObject(JSON).set("schema", ref("Error"));
    }
}
