package io.ordo.server.cli;

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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The server's live events ({@code GET /api/events}, Server-Sent Events) as a wake-up signal for
 * {@code --wait}: the CLI re-reads a job when something happened to it instead of polling blindly.
 * Any problem (old server, proxy without streaming, auth) makes {@link #open} return null or
 * {@link #alive()} false, and the caller polls as before.
 */
final class EventStream implements AutoCloseable {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http;
    private final InputStream body;
    private final Semaphore arrived = new Semaphore(0);
    private volatile boolean alive = true;
    private volatile long events;

    private EventStream(HttpClient http, InputStream body) {
        this.http = http;
        this.body = body;
        Thread.ofVirtual().name("ordo-cli-events").start(this::read);
    }

    /**
     * Subscribes to {@code query} (e.g. {@code job_id=…&types=…}); null when the stream cannot be opened.
     *
     * @param token sent as {@code Authorization: Bearer}; null for none
     */
    static EventStream open(URI base, String token, String query) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(OPEN_TIMEOUT).build();
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(base.getPath() + "/api/events?" + query))
                    .header("Accept", "text/event-stream");
            if (token != null && !token.isBlank()) b.header("Authorization", "Bearer " + token.trim());
            HttpResponse<InputStream> r = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream())
                    .get(OPEN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            boolean stream = r.statusCode() == 200
                    && r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            if (stream) return new EventStream(http, r.body());
            r.body().close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // no stream: the caller polls
        }
        http.shutdownNow();
        return null;
    }

    private void read() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                // one signal per event (its blank line ends it); comments are keep-alives
                if (line.startsWith("data:")) {
                    events++;
                    arrived.release();
                }
            }
        } catch (IOException e) {
            // closed or cut: fall back to polling
        } finally {
            alive = false;
            arrived.release();
        }
    }

    /**
     * Waits until an event arrived since the last call (returning at once if one did), or {@code max}
     * passed. Returns whether an event came.
     */
    boolean await(Duration max) throws InterruptedException {
        boolean got = arrived.tryAcquire(max.toMillis(), TimeUnit.MILLISECONDS);
        arrived.drainPermits();
        return got;
    }

    boolean alive() {
        return alive;
    }

    long events() {
        return events;
    }

    @Override
    public void close() {
        alive = false;
        try {
            body.close();
        } catch (IOException ignored) {
            // already closed
        }
        http.shutdownNow();
    }
}
