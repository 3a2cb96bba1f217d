package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.util.Json;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code http} step: one HTTP request; the response is the step's result
 * {@code {status, headers, body}} ({@code body} parsed when the response is JSON, else text; cut at
 * {@value #MAX_BODY} bytes with {@code truncated: true}). A status outside {@code expect_status}
 * fails the step (the response is still saved as its result).
 *
 * <p>Config: {@code url} (required), {@code method} (GET), {@code headers} (object),
 * {@code body} (a string is sent as it is, as text/plain unless a Content-Type header says
 * otherwise; any other JSON value is sent as application/json), {@code expect_status} (a code, a
 * class such as {@code "2xx"}, or a list of them; default 2xx), {@code timeout} (30s, the whole
 * exchange), {@code max_redirects} (5; 0 returns redirects as responses).
 *
 * <p>Addresses are held to the action's {@link NetworkPolicy} (also on each redirect).
 */
public final class HttpAction implements StepAction {
    public static final int MAX_BODY = 1024 * 1024;
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
    private static final Set<String> FIELDS = Set.of("method", "url", "headers", "body", "expect_status", "timeout", "max_redirects");
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final SafeFetch fetch;

    /** With {@link NetworkPolicy#defaults()}. */
    public HttpAction() {
        this(NetworkPolicy.defaults());
    }

    public HttpAction(NetworkPolicy policy) {
        this(new SafeFetch(policy));
    }

    public HttpAction(SafeFetch fetch) {
        this.fetch = fetch;
    }

    @Override
    public String name() {
        return "http";
    }

    /** The checked config. */
    private record Spec(String method, String url, Map<String, String> headers, JsonNode body, List<int[]> expect,
                        Duration timeout, int maxRedirects) {
    }

    @Override
    public void validate(JsonNode config) {
        spec(config);
    }

    private static Spec spec(JsonNode config) {
        ActionConfig c = new ActionConfig(config).only(FIELDS);
        String url = c.requiredText("url");
        ActionConfig.checkUrl("url", url);
        String method = c.text("method", "GET").trim().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method) && !ActionConfig.hasRef(method)) {
            throw ActionConfig.bad("method", "'" + method + "' is not one of " + String.join(", ", new java.util.TreeSet<>(METHODS)));
        }
        Map<String, String> headers = c.stringMap("headers");
        JsonNode body = c.raw().get("body");
        if (body != null && body.isNull()) body = null;
        List<int[]> expect = expect(c.raw().get("expect_status"));
        Duration timeout = c.duration("timeout", DEFAULT_TIMEOUT);
        int maxRedirects = c.integer("max_redirects", 5, 0, 20, "an integer from 0 to 20");
        return new Spec(method, url.trim(), headers, body, expect, timeout, maxRedirects);
    }

    /** Status ranges [from, to]: from a code, "4xx", or a list of them. Default 200-299. */
    private static List<int[]> expect(JsonNode n) {
        List<int[]> out = new ArrayList<>();
        if (n == null || n.isNull() || ActionConfig.isRef(n)) {
            out.add(new int[]{200, 299});
            return out;
        }
        if (n.isArray()) {
            if (n.isEmpty()) throw ActionConfig.bad("expect_status", "must not be an empty list");
            int i = 0;
            for (JsonNode e : n) out.add(status(e, "expect_status[" + i++ + "]"));
        } else {
            out.add(status(n, "expect_status"));
        }
        return out;
    }

    private static int[] status(JsonNode e, String field) {
        if (e.isIntegralNumber() && e.asInt() >= 100 && e.asInt() <= 599) return new int[]{e.asInt(), e.asInt()};
        if (e.isTextual()) {
            String t = e.asText().trim().toLowerCase(Locale.ROOT);
            if (t.matches("[1-5]xx")) {
                int base = (t.charAt(0) - '0') * 100;
                return new int[]{base, base + 99};
            }
            if (t.matches("[1-5]\\d\\d")) return new int[]{Integer.parseInt(t), Integer.parseInt(t)};
        }
        throw ActionConfig.bad(field, "must be an HTTP status code (100-599) or a class such as \"2xx\" (got " + e + ")");
    }

    private static boolean expected(List<int[]> expect, int status) {
        for (int[] r : expect) if (status >= r[0] && status <= r[1]) return true;
        return false;
    }

    private static String describe(List<int[]> expect) {
        List<String> parts = new ArrayList<>();
        for (int[] r : expect) parts.add(r[0] == r[1] ? String.valueOf(r[0]) : r[1] - r[0] == 99 ? (r[0] / 100) + "xx" : r[0] + "-" + r[1]);
        return String.join(", ", parts);
    }

    @Override
    public Object run(StepContext ctx) throws Exception {
        Spec s = spec(ctx.config());
        Map<String, String> headers = new LinkedHashMap<>();
        String contentType = null;
        for (Map.Entry<String, String> h : s.headers().entrySet()) {
            if (h.getKey().equalsIgnoreCase("content-type")) contentType = h.getValue();
            else headers.put(h.getKey(), h.getValue());
        }
        byte[] body = null;
        if (s.body() != null) {
            if (s.body().isTextual()) {
                body = s.body().asText().getBytes(StandardCharsets.UTF_8);
                if (contentType == null) contentType = "text/plain; charset=UTF-8";
            } else {
                body = Json.write(s.body()).getBytes(StandardCharsets.UTF_8);
                if (contentType == null) contentType = "application/json";
            }
        }
        URI uri = URI.create(s.url());
        SafeFetch.Request req = new SafeFetch.Request(s.method(), uri, headers, body, contentType, s.timeout(), s.maxRedirects(),
                MAX_BODY, null);
        long started = System.nanoTime();
        SafeFetch.Response resp;
        try {
            resp = fetch.fetch(req);
        } catch (NetworkPolicy.DeniedAddressException e) {
            throw new PermanentFailure("http: " + s.method() + " " + s.url() + " refused: " + e.getMessage(), e);
        } catch (SafeFetch.FetchException e) {
            throw new PermanentFailure("http: " + e.getMessage(), e);
        }
        long ms = (System.nanoTime() - started) / 1_000_000;
        ObjectNode result = result(resp);
        ctx.info(s.method() + " " + s.url() + " -> " + resp.status() + " (" + resp.body().length + " bytes"
                + (resp.truncated() ? ", truncated" : "") + (resp.redirects() > 0 ? ", " + resp.redirects() + " redirects" : "")
                + ") in " + ms + "ms");
        if (!expected(s.expect(), resp.status())) {
            ctx.saveResult(result);
            String text = resp.text();
            String excerpt = text.length() > 300 ? text.substring(0, 300) + "..." : text;
            throw new PermanentFailure("http: " + s.method() + " " + resp.uri() + " returned " + resp.status() + ", expected "
                    + describe(s.expect()) + (excerpt.isBlank() ? "" : ": " + excerpt.strip()));
        }
        return result;
    }

    static ObjectNode result(SafeFetch.Response resp) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("status", resp.status());
        if (resp.redirects() > 0) out.put("url", resp.uri().toString());
        ObjectNode h = out.putObject("headers");
        resp.headers().forEach(h::put);
        String media = resp.mediaType();
        boolean json = media.equals("application/json") || media.endsWith("+json");
        if (json && !resp.truncated() && resp.body().length > 0) {
            try {
                out.set("body", Json.MAPPER.readTree(resp.body()));
                return out;
            } catch (java.io.IOException ignored) {
                // not valid JSON after all: kept as text
            }
        }
        out.put("body", resp.text());
        if (resp.truncated()) out.put("truncated", true);
        return out;
    }
}
