package io.ordo.server.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Reads request bodies with a size cap and parses them as JSON, answering 400/413 instead of failing. */
public final class RequestBodies {
    private RequestBodies() {
    }

    /** The body as JSON, or {@link ApiError} 400 (empty, malformed) / 413 (over {@code maxBytes}). */
    public static JsonNode json(Context ctx, int maxBytes) {
        byte[] body = bytes(ctx, maxBytes);
        if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw ApiError.badRequest("request body is empty; send a JSON object");
        }
        try {
            return ApiJson.read(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ApiError(400, "invalid_request", "request body is not valid JSON: " + ApiJson.problem(e) + where,
                    at == null ? Map.of() : Map.of("line", at.getLineNr(), "column", at.getColumnNr()));
        }
    }

    /**
     * For routes that take no body (cancel, pause, …): nothing, or an empty JSON object. Anything
     * else is refused rather than ignored, so that a client that thinks it sends options learns it does not.
     */
    public static void none(Context ctx, int maxBytes) {
        byte[] body = bytes(ctx, maxBytes);
        if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) return;
        try {
            JsonFields.of(ApiJson.read(body), "request body", "", java.util.Set.of());
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "invalid_request", "this route takes no body (or {}); the body is not valid JSON: " + ApiJson.problem(e), Map.of());
        }
    }

    /** Reads at most {@code maxBytes}; a declared or actual larger body is refused without reading it all. */
    public static byte[] bytes(Context ctx, int maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) throw ApiError.tooLarge(maxBytes);
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] read = in.readNBytes(maxBytes + 1);
            if (read.length > maxBytes) throw ApiError.tooLarge(maxBytes);
            return read;
        } catch (IOException | UncheckedIOException e) {
            // the client went away or sent a broken chunked body
            throw new ApiError(400, "invalid_request", "could not read the request body: " + e.getMessage(), Map.of());
        }
    }

    /**
     * Reads and discards what is left of the body, so that an error answered before the body was
     * read does not leave the connection unusable for the client's next request. Past
     * {@code limit} bytes it gives up and asks the client to close the connection.
     */
    public static void drain(Context ctx, long limit) {
        try {
            long declared = ctx.req().getContentLengthLong();
            if (declared > limit) {
                ctx.header("Connection", "close");
                return;
            }
            InputStream in = ctx.req().getInputStream();
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) >= 0) {
                total += n;
                if (total > limit) {
                    ctx.header("Connection", "close");
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            ctx.header("Connection", "close");
        }
    }
}
