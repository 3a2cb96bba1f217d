package io.ordo.actions;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local web site for the tests, on 127.0.0.1 and a free port: generated HTML pages with links,
 * custom handlers, and counters of the requests it served (per host and path, and at once).
 */
final class TestSite implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
    private final Map<String, Long> delays = new ConcurrentHashMap<>();
    /** Requests by "host path?query" (host without port). */
    final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    final AtomicInteger total = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    TestSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** http://127.0.0.1:PORT */
    String base() {
        return "http://127.0.0.1:" + port();
    }

    String url(String path) {
        return base() + path;
    }

    /** An HTML page titled {@code title} with these links (hrefs as written: relative, absolute, with fragments...). */
    TestSite page(String path, String title, String... hrefs) {
        StringBuilder b = new StringBuilder("<!doctype html><html><head><meta charset=utf-8><title>").append(title)
                .append("</title></head><body><h1>").append(title).append("</h1><p>Text of ").append(title).append(".</p><ul>");
        for (String h : hrefs) b.append("<li><a href=\"").append(h).append("\">link to ").append(h).append("</a></li>");
        b.append("</ul></body></html>");
        String html = b.toString();
        return route(path, ex -> respond(ex, 200, "text/html; charset=utf-8", html));
    }

    TestSite slow(String path, long millis) {
        delays.put(path, millis);
        return this;
    }

    TestSite route(String path, HttpHandler h) {
        routes.put(path, h);
        return this;
    }

    int hits(String path) {
        return hits(InetAddress.getLoopbackAddress().getHostAddress(), path);
    }

    int hits(String host, String path) {
        AtomicInteger n = hits.get(host + " " + path);
        return n == null ? 0 : n.get();
    }

    static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) ex.getResponseBody().write(bytes);
        ex.close();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
        String host = ex.getRequestHeaders().getFirst("Host");
        host = host == null ? "" : host.replaceFirst(":\\d+$", "");
        hits.computeIfAbsent(host + " " + path, k -> new AtomicInteger()).incrementAndGet();
        total.incrementAndGet();
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            Long delay = delays.get(ex.getRequestURI().getRawPath());
            if (delay != null) Thread.sleep(delay);
            HttpHandler h = routes.get(ex.getRequestURI().getRawPath());
            if (h == null) respond(ex, 404, "text/html", "<html><body>not found</body></html>");
            else h.handle(ex);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
