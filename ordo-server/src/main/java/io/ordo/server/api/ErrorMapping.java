package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.ordo.core.OrdoException;
import io.ordo.core.UnknownJobTypeException;
import io.ordo.core.definition.DefinitionException;
import io.ordo.core.definition.DefinitionExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns every failure into the one error shape {@code {"error": {"code", "message", "details"}}}
 * with its HTTP status. Client mistakes get 4xx; a 500 means a fault of the server and is logged.
 */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    /** HTTP status for each stable {@link OrdoException#code()}. */
    private static final Map<String, Integer> STATUS_BY_CODE = Map.of(
            "invalid_request", 400,
            "not_found", 404,
            "conflict", 409,
            "illegal_transition", 409,
            "lease_lost", 409,
            "queue_full", 429,
            DefinitionException.CODE, 422);

    /** A mapped error: the status and the body to send. */
    public record Mapped(int status, ObjectNode body) {
        public String code() {
            return body.path("error").path("code").asText();
        }
    }

    private ErrorMapping() {
    }

    /** Registers the handlers that answer every exception (and unknown routes) in the error shape. */
    public static void install(RoutesConfig routes, int maxBodyBytes) {
        routes.exception(Exception.class, (e, ctx) -> {
            RequestBodies.drain(ctx, maxBodyBytes);
            respond(ctx, map(e, ctx.method().name(), ctx.path()));
        });
        // Javalin has its own (plain-text) handler for these; the most specific registration wins
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            RequestBodies.drain(ctx, maxBodyBytes);
            if (e.getStatus() == 405) ctx.header("Allow", e.getDetails().getOrDefault("availableMethods", ""));
            respond(ctx, map(e, ctx.method().name(), ctx.path()));
        });
    }

    public static void respond(Context ctx, Mapped m) {
        ctx.status(m.status()).contentType("application/json").result(ApiJson.write(m.body()));
    }

    /** Maps an exception thrown while serving {@code method path}. */
    public static Mapped map(Exception e, String method, String path) {
        if (e instanceof ApiError a) return new Mapped(a.status(), JobJson.error(a.code(), a.getMessage(), a.details()));
        if (e instanceof OrdoException o && STATUS_BY_CODE.containsKey(o.code())) {
            Map<String, Object> details = switch (e) {
                case UnknownJobTypeException u -> Map.of("field", "type");
                case io.ordo.core.batch.BatchFieldException b -> Map.of("field", b.field());
                case DefinitionException d -> Map.of("problems", d.problems());
                case DefinitionExistsException x -> Map.of("id", x.id(), "version", x.version());
                default -> Map.of();
            };
            return new Mapped(STATUS_BY_CODE.get(o.code()), JobJson.error(o.code(), o.getMessage(), details));
        }
        if (e instanceof HttpResponseException h && h.getStatus() < 500) return fromJavalin(h, method, path);
        log.error("unexpected error serving {} {}", method, path, e);
        return new Mapped(500, JobJson.error("internal", "internal server error; the server log has the details", Map.of()));
    }

    /** Javalin's own answers: no route (404), wrong method (405), body too large (413), and the like. */
    private static Mapped fromJavalin(HttpResponseException h, String method, String path) {
        int status = h.getStatus();
        Map<String, Object> where = new LinkedHashMap<>();
        where.put("method", method);
        where.put("path", path);
        return switch (status) {
            case 404 -> new Mapped(404, JobJson.error("not_found", "no route " + method + " " + path, where));
            case 405 -> {
                String allowed = h.getDetails().getOrDefault("availableMethods", "");
                where.put("allowed", allowed.isBlank() ? List.of() : List.of(allowed.split("\\s*,\\s*")));
                yield new Mapped(405, JobJson.error("method_not_allowed", "method " + method + " is not allowed on " + path
                        + (allowed.isBlank() ? "" : " (allowed: " + allowed + ")"), where));
            }
            case 413 -> new Mapped(413, JobJson.error("too_large", "request is too large", Map.of()));
            case 400 -> new Mapped(400, JobJson.error("invalid_request", h.getMessage(), Map.of()));
            default -> {
                String reason = HttpStatus.forStatus(status).getMessage();
                yield new Mapped(status, JobJson.error(reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_"), h.getMessage(), Map.of()));
            }
        };
    }
}
