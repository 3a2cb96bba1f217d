package io.ordo.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * HTTP for the auth tests: any method with any headers. The body is read only when asked for,
 * so a route that streams (SSE) answers with its status and headers without hanging the test.
 */
final class Client implements AutoCloseable {
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Client(String base) {
        this.base = base;
    }

    record Answer(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }

        JsonNode json() {
            try {
                return ApiJson.read(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String errorCode() {
            return json().path("error").path("code").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + (body == null ? "(body not read)" : body);
        }
    }

    /** Sends the request; reads the body when {@code readBody} or when the answer is an error (errors are short). */
    Answer send(String method, String path, String body, Map<String, String> headers, boolean readBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        if (body != null && !headers.containsKey("Content-Type")) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                String text = readBody || r.statusCode() >= 400 ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : null;
                return new Answer(r.statusCode(), r.headers().map(), text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer get(String path, Map<String, String> headers) {
        return send("GET", path, null, headers, true);
    }

    static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }

    HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        http.close();
    }
}
