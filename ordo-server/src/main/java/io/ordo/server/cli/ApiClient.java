package io.ordo.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/** The CLI's view of the REST API: JSON in, JSON out, every failure a {@link CliException}. */
final class ApiClient implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String token;
    private final HttpClient http;

    ApiClient(URI base) {
        this(base, null);
    }

    /** @param token the API token sent as {@code Authorization: Bearer}, or null */
    ApiClient(URI base, String token) {
        this.base = base;
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    URI base() {
        return base;
    }

    /** The API token this client sends (from --token, else ORDO_TOKEN), or null. */
    String token() {
        return token;
    }

    JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    JsonNode post(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(ApiJson.write(body))).build());
    }

    /** POST without a body. */
    JsonNode post(String path) {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    JsonNode put(String path, JsonNode body) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(ApiJson.write(body))).build());
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE().build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(base.getPath() + path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    private JsonNode send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw CliException.failed("cannot reach the Ordo server at " + base + ": connection timed out");
        } catch (HttpTimeoutException e) {
            throw CliException.failed("the Ordo server at " + base + " did not answer within " + REQUEST_TIMEOUT.toSeconds() + "s");
        } catch (ConnectException | UnresolvedAddressException e) {
            // the JDK client reports a host name that does not resolve as a ConnectException too
            throw unreachable(unresolved(e) ? "unknown host" : "connection refused");
        } catch (IOException e) {
            if (unresolved(e)) throw unreachable("unknown host");
            throw CliException.failed("request to " + base + " failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        }
        return answer(response);
    }

    private static boolean unresolved(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) if (c instanceof UnresolvedAddressException) return true;
        return false;
    }

    private CliException unreachable(String why) {
        return CliException.failed("cannot reach the Ordo server at " + base + " (" + why
                + "); start one with 'ordo server' or point --server / ORDO_SERVER at it");
    }

    private JsonNode answer(HttpResponse<String> response) {
        JsonNode body;
        try {
            body = ApiJson.read(response.body());
        } catch (JsonProcessingException e) {
            throw CliException.failed("the server at " + base + " answered HTTP " + response.statusCode() + " with a body that is not JSON (is it an Ordo server?)");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) return body;
        JsonNode error = body.path("error");
        String message = error.path("message").asText("HTTP " + status);
        if (status == 401) message += token == null ? " (set ORDO_TOKEN or pass --token)" : " (check ORDO_TOKEN / --token)";
        // the server refused what the user typed: a usage error, like a bad flag
        throw new ApiException(status == 400 || status == 413 ? Main.USAGE : Main.FAILED, message, status,
                error.path("code").asText(""), error.path("details"));
    }

    /** An error answer of the API, with its status, code and details for commands that handle some of them. */
    static final class ApiException extends CliException {
        private final int status;
        private final String code;
        private final JsonNode details;

        ApiException(int exitCode, String message, int status, String code, JsonNode details) {
            super(exitCode, message);
            this.status = status;
            this.code = code;
            this.details = details;
        }

        int status() {
            return status;
        }

        String code() {
            return code;
        }

        JsonNode details() {
            return details;
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
