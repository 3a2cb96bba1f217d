package io.ordo.server;

import io.ordo.server.api.ApiJson;
import io.ordo.server.api.JobJson;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Answers the errors Jetty raises before a request reaches the API (unparseable request lines,
 * ambiguous URIs, oversized headers) in the API's error shape instead of an HTML page.
 */
final class JsonJettyErrorHandler extends ErrorHandler {

    /** Jetty writes error bodies only for GET, POST and HEAD; a bad PUT or DELETE deserves the error shape too. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // Jetty drops the connection after rejecting a request at this level (and no longer knows
        // whether it was a HEAD, so a body goes out regardless); saying so keeps a keep-alive
        // client from sending its next request into the closed socket
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    static byte[] body(int status, String message) {
        String reason = HttpStatus.getMessage(status);
        String code = switch (status) {
            case 400 -> "invalid_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 413 -> "too_large";
            default -> reason == null ? "http_" + status : reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        };
        String text = message == null || message.isBlank() ? (reason == null ? "HTTP " + status : reason) : message;
        return ApiJson.write(JobJson.error(code, text, Map.of())).getBytes(StandardCharsets.UTF_8);
    }
}
