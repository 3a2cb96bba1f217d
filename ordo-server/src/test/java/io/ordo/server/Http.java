package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.server.api.ApiJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for tests: any method, raw bodies, and raw socket requests for malformed URIs. */
public final class Http implements AutoCloseable {
    private final String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Http(String base) {
        this.base = base;
    }

    /** A response; {@code json} is null when the body is not JSON. */
    public record Response(int status, String body, JsonNode json, HttpResponse<String> raw) {
        public String header(String name) {
            return raw == null ? null : raw.headers().firstValue(name).orElse(null);
        }

        public String errorCode() {
            return json == null ? null : json.path("error").path("code").asText(null);
        }

        public String errorMessage() {
            return json == null ? null : json.path("error").path("message").asText(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path) {
        return send("GET", path, (byte[]) null);
    }

    public Response post(String path, String body) {
        return send("POST", path, body);
    }

    public Response send(String method, String path, String body) {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    public Response send(String method, String path, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, publisher);
        try {
            HttpResponse<String> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                // the JDK client picked a pooled connection the server had just closed and got no
                // answer at all (it retries only GETs itself): the request never reached a handler
                if (!String.valueOf(e.getMessage()).contains("received no bytes")) throw e;
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            }
            return new Response(r.statusCode(), r.body(), parse(r.body()), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code request} as-is to the server's socket and reads the answer: for URIs java.net.URI refuses. */
    public static Response raw(int port, String request) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(all.substring(9, 12));
            int split = all.indexOf("\r\n\r\n");
            String body = split < 0 ? "" : all.substring(split + 4);
            return new Response(status, body, parse(body), null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode n = ApiJson.read(body);
            return n == null || n.isMissingNode() ? null : n;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
