package io.ordo.server.asjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.Ordo;
import io.ordo.core.asjob.AsJobSpec;
import io.ordo.core.asjob.AsJobs;
import io.ordo.core.engine.Names;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.util.Uuids;
import io.ordo.server.ServerOptions;
import io.ordo.server.api.ApiError;
import io.ordo.server.api.ApiJson;
import io.ordo.server.api.ErrorMapping;
import io.ordo.server.api.RequestBodies;
import io.ordo.server.api.RouteGroup;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One job type (typically an {@link io.ordo.core.asjob.AsJob @AsJob} method) as an asynchronous
 * HTTP endpoint, in the shape of AI-Parrot's {@code @as_job} views:
 *
 * <ul>
 *   <li>{@code POST path} with a JSON object body (the job's payload; for an {@code @AsJob} method,
 *       one field per parameter) → {@code 202 {"success": true, "job_id", "status": "enqueued",
 *       "message", "status_url"}} and a {@code Location} header. For an {@code @AsJob} method the
 *       job carries the method's queue, timeout, attempts and result TTL.</li>
 *   <li>{@code GET path?job_id=ID} (the {@code status_url}) or {@code GET path/ID} →
 *       {@code 200 {"job_id", "status", "created_at", "started_at", "ended_at", "elapsed_time",
 *       "progress": {"current", "total", "text"}}} plus, once completed, {@code "result",
 *       "result_expires_at", "result_expired"}, or once failed or cancelled,
 *       {@code "error": {"message", "reason"}}. Times are ISO-8601 UTC; {@code elapsed_time} is
 *       the seconds from start to end (or to now while running), null before the job starts.</li>
 * </ul>
 *
 * Errors use Ordo's shape {@code {"error": {"code", "message", "details"}}}: malformed or non-object
 * body, or a payload that does not fit the method → 400; body over the limit → 413; full queue →
 * 429; unknown job id, or the id of a job of another type → 404 (the endpoint never shows other
 * jobs). The endpoint answers its own errors, so it also works in an application's own Javalin.
 *
 * <pre>{@code
 * // in an application that embeds Ordo and Javalin
 * AsyncEndpoint docs = AsyncEndpoint.of(ordo, "/api/documents/process", DocumentService.class, "process");
 * Javalin.create(config -> docs.register(config.routes)).start(8080);
 *
 * // in an Ordo server
 * OrdoServer server = OrdoServer.create(options, config -> AsJobs.register(config, DocumentService.class, impl));
 * server.routes(AsyncEndpoint.of(server.ordo(), "/api/documents/process", DocumentService.class, "process")).start();
 * }</pre>
 */
public final class AsyncEndpoint implements RouteGroup {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Ordo ordo;
    private final String path;
    private final String type;
    private final AsJobSpec spec;
    private int maxBodyBytes = ServerOptions.DEFAULT_MAX_BODY;

    private AsyncEndpoint(Ordo ordo, String path, String type, AsJobSpec spec) {
        this.ordo = Objects.requireNonNull(ordo, "ordo");
        this.path = checkPath(path);
        this.type = type;
        this.spec = spec;
    }

    /**
     * An endpoint for job type {@code type}. If the type is an {@code @AsJob} method registered on
     * {@code ordo}, its queue, timeout, attempts and result TTL apply to the jobs it submits.
     *
     * @throws IllegalArgumentException when the path or type is invalid, or the type has no handler
     *                                  on {@code ordo} (and it does not accept unknown types)
     */
    public static AsyncEndpoint of(Ordo ordo, String path, String type) {
        Objects.requireNonNull(ordo, "ordo");
        try {
            Names.checkType(type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (!ordo.handlerTypes().contains(type) && !ordo.config().acceptUnknownTypes()) {
            throw new IllegalArgumentException("job type '" + type + "' has no handler on this node; register it before creating the endpoint");
        }
        return new AsyncEndpoint(ordo, path, type, AsJobs.spec(ordo, type).orElse(null));
    }

    /** An endpoint for the {@code @AsJob} method {@code methodName} of {@code iface}. */
    public static AsyncEndpoint of(Ordo ordo, String path, Class<?> iface, String methodName) {
        AsJobSpec spec = AsJobs.spec(iface, methodName);
        if (!ordo.handlerTypes().contains(spec.type()) && !ordo.config().acceptUnknownTypes()) {
            throw new IllegalArgumentException("job type '" + spec.type() + "' (" + spec.label() + ") has no handler on this node: "
                    + "register the implementation with AsJobs.register(config, " + iface.getSimpleName() + ".class, impl)");
        }
        return new AsyncEndpoint(ordo, path, spec.type(), spec);
    }

    /** Request bodies over this many bytes are refused with 413 (default 1 MiB). */
    public AsyncEndpoint maxBodyBytes(int bytes) {
        if (bytes < 2) throw new IllegalArgumentException("max body size must be at least 2 bytes");
        this.maxBodyBytes = bytes;
        return this;
    }

    public String path() {
        return path;
    }

    public String type() {
        return type;
    }

    /** Where the status of job {@code id} is read: {@code path?job_id=ID}. */
    public String statusUrl(UUID id) {
        return path + "?job_id=" + id;
    }

    /** Adds the routes to an application's Javalin configuration. */
    public void register(JavalinConfig config) {
        register(config.routes);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post(path, guarded(this::submit));
        routes.get(path, guarded(ctx -> status(ctx, ctx.queryParam("job_id"))));
        routes.get(path + "/{job_id}", guarded(ctx -> status(ctx, ctx.pathParam("job_id"))));
    }

    private Handler guarded(Handler h) {
        return ctx -> {
            try {
                h.handle(ctx);
            } catch (Exception e) {
                RequestBodies.drain(ctx, maxBodyBytes);
                ErrorMapping.respond(ctx, ErrorMapping.map(e, ctx.method().name(), ctx.path()));
            }
        };
    }

    private void submit(Context ctx) {
        JsonNode body = RequestBodies.json(ctx, maxBodyBytes);
        if (!body.isObject()) {
            throw ApiError.badRequest("request body must be a JSON object"
                    + (spec == null ? "" : " of the parameters " + spec.parameterNames()));
        }
        JobRequest request = spec != null ? spec.request(body) : JobRequest.of(type).payload(body);
        Job job = ordo.jobs().submit(request);
        String url = statusUrl(job.id());
        ObjectNode o = NODES.objectNode();
        o.put("success", true);
        o.put("job_id", job.id().toString());
        o.put("status", "enqueued");
        o.put("message", "job " + job.id() + " (" + type + ") enqueued on queue '" + job.queue() + "'; GET status_url for its status and result");
        o.put("status_url", url);
        ctx.header("Location", url);
        send(ctx, 202, o);
    }

    private void status(Context ctx, String id) {
        if (id == null || id.isBlank()) {
            throw ApiError.badField("job_id", "job_id is required: GET " + path + "?job_id=ID");
        }
        UUID jobId;
        try {
            jobId = Uuids.parse(id);
        } catch (RuntimeException e) {
            throw ApiError.badField("job_id", "'" + id + "' is not a job id (a UUID)");
        }
        Optional<Job> found = ordo.jobs().get(jobId).filter(j -> j.type().equals(type));
        // another type's job is as absent as a missing one: this endpoint shows only its own jobs
        Job job = found.orElseThrow(() -> new JobNotFoundException("job " + jobId + " not found"));
        send(ctx, 200, statusBody(job, ordo.config().clock().instant()));
    }

    /** The status document of {@code job} at {@code now}. */
    static ObjectNode statusBody(Job job, Instant now) {
        ObjectNode o = NODES.objectNode();
        o.put("job_id", job.id().toString());
        o.put("status", job.status().wireName());
        o.put("created_at", time(job.createdAt()));
        o.put("started_at", time(job.startedAt()));
        o.put("ended_at", time(job.finishedAt()));
        if (job.startedAt() == null) o.putNull("elapsed_time");
        else {
            Instant end = job.finishedAt() != null ? job.finishedAt() : now;
            o.put("elapsed_time", Math.max(0, Duration.between(job.startedAt(), end).toMillis()) / 1000.0);
        }
        ObjectNode progress = o.putObject("progress");
        progress.put("current", job.progressCurrent());
        progress.put("total", job.progressTotal());
        progress.put("text", job.progressText());
        if (job.status() == JobStatus.COMPLETED) {
            Instant expires = job.resultExpiresAt();
            boolean expired = expires != null && (job.result() == null || !expires.isAfter(now));
            o.set("result", expired || job.result() == null ? NODES.nullNode() : job.result());
            o.put("result_expires_at", time(expires));
            o.put("result_expired", expired);
        } else if (job.isTerminal()) {
            List<AttemptError> errors = job.errors();
            AttemptError last = errors.isEmpty() ? null : errors.get(errors.size() - 1);
            ObjectNode error = o.putObject("error");
            String reason = last != null ? last.reason() : job.status() == JobStatus.CANCELLED ? AttemptError.CANCELLED : job.status().wireName();
            error.put("message", job.error() != null ? job.error() : job.status() == JobStatus.CANCELLED ? "cancelled" : job.status().wireName());
            error.put("reason", reason);
        }
        return o;
    }

    private static void send(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(ApiJson.write(body));
    }

    private static String time(Instant t) {
        return t == null ? null : TIME.format(t);
    }

    private static String checkPath(String path) {
        if (path == null || !path.startsWith("/") || path.length() < 2 || path.endsWith("/")
                || path.contains("{") || path.contains("}") || path.contains("<") || path.contains("*") || path.contains("?")) {
            throw new IllegalArgumentException("endpoint path must start with '/', not end with '/', and have no parameters "
                    + "or wildcards (got '" + path + "')");
        }
        return path;
    }

    @Override
    public String toString() {
        return "AsyncEndpoint[" + path + " -> " + type + "]";
    }
}
