package io.ordo.server.events;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket client collecting text messages. With {@code reading=false} it asks for no messages at
 * all until {@link #startReading()}, so the server's frames pile up in the socket (a slow client).
 */
final class WsTestClient implements WebSocket.Listener, AutoCloseable {
    final Received received = new Received();
    final AtomicInteger pings = new AtomicInteger();
    final WebSocket socket;
    private final HttpClient client = HttpClient.newHttpClient();
    private final StringBuilder partial = new StringBuilder();
    private final boolean reading;
    volatile boolean closed;

    WsTestClient(String url, boolean reading) throws Exception {
        this.reading = reading;
        socket = client.newWebSocketBuilder().buildAsync(URI.create(url), this).get(10, TimeUnit.SECONDS);
    }

    static WsTestClient open(String url) throws Exception {
        return new WsTestClient(url, true);
    }

    void startReading() {
        socket.request(Long.MAX_VALUE);
    }

    void send(String text) {
        socket.sendText(text, true).join();
    }

    @Override
    public void onOpen(WebSocket ws) {
        if (reading) ws.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            received.add(partial.toString());
            partial.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
        pings.incrementAndGet();
        return WebSocket.Listener.super.onPing(ws, message);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed = true;
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed = true;
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // already gone
        }
        socket.abort();
        client.shutdownNow();
    }
}
