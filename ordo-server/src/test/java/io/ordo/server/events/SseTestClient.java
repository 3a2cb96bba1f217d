package io.ordo.server.events;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads a {@code text/event-stream} on a background thread, parsing {@code id:}/{@code data:} frames and comments. */
public final class SseTestClient implements AutoCloseable {
    public final Received received = new Received();
    final List<String> comments = new CopyOnWriteArrayList<>();
    final List<Long> frameIds = new CopyOnWriteArrayList<>();
    final HttpResponse<InputStream> response;
    private final HttpClient client = HttpClient.newHttpClient();
    private volatile boolean ended;

    SseTestClient(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(b::header);
        response = client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream()).get(10, java.util.concurrent.TimeUnit.SECONDS);
        if (response.statusCode() == 200) Thread.ofVirtual().start(this::read);
    }

    public static SseTestClient open(String url) throws Exception {
        return new SseTestClient(url, Map.of());
    }

    String contentType() {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    String errorBody() throws IOException {
        return new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
    }

    boolean ended() {
        return ended;
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            Long id = null;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) received.add(data.toString());
                    if (id != null) frameIds.add(id); // after the event: frameIds never runs ahead of it
                    data.setLength(0);
                    id = null;
                } else if (line.startsWith(":")) {
                    comments.add(line);
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3).trim());
                }
            }
        } catch (IOException e) {
            // closed by the test
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // already closed
        }
        client.shutdownNow();
    }
}
