package io.ordo.actions;

import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * HTTP for the {@code http} and {@code crawl} actions, held to a {@link NetworkPolicy}. The host of
 * every request — the first and each redirect — is resolved and all its addresses are checked
 * before anything is sent; the client connects only through a resolver that checks again, so a
 * name that re-resolves to a denied address between the check and the connection (DNS rebinding)
 * is refused too. Redirects are followed here, one hop at a time (never by the client), each hop
 * checked; credentials are dropped when a redirect leaves the origin. No proxy, no cookies, no
 * automatic retries. Bodies are read up to a limit and the connection is dropped past it.
 */
public final class SafeFetch {
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final Set<String> SENSITIVE = Set.of("authorization", "cookie", "proxy-authorization");
    private static final Set<String> MANAGED = Set.of("content-length", "transfer-encoding", "connection");
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ordo-fetch-deadline");
        t.setDaemon(true);
        return t;
    });

    private final NetworkPolicy policy;
    // built on first use: building the client (TLS context, trust store) took most of a second of
    // a start on a busy 2-core machine, which a node whose jobs never fetch anything need not pay
    private volatile CloseableHttpClient client;

    public SafeFetch(NetworkPolicy policy) {
        this.policy = policy;
    }

    private CloseableHttpClient client() {
        CloseableHttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) client = c = newClient(policy);
            }
        }
        return c;
    }

    private static CloseableHttpClient newClient(NetworkPolicy policy) {
        DnsResolver checked = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return policy.resolve(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return policy.resolve(host)[0].getCanonicalHostName();
            }

            @Override
            public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
                List<InetSocketAddress> out = new ArrayList<>();
                for (InetAddress a : resolve(host)) out.add(new InetSocketAddress(a, port));
                return out;
            }
        };
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(checked)
                        .setMaxConnTotal(200).setMaxConnPerRoute(32)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.ofSeconds(10)).setSocketTimeout(Timeout.ofMinutes(2)).build())
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("Ordo/0.1")
                .build();
    }

    public NetworkPolicy policy() {
        return policy;
    }

    /**
     * A request.
     *
     * @param body           null for none
     * @param contentType    of the body (may be null)
     * @param timeout        for the whole exchange, redirects included
     * @param maxRedirects   0: a redirect is returned as the response
     * @param maxBody        bytes of body kept; the rest is not read
     * @param followRedirect which redirect targets to follow (the policy applies in any case); a refused one is returned as the response
     */
    public record Request(String method, URI uri, Map<String, String> headers, byte[] body, String contentType,
                          Duration timeout, int maxRedirects, long maxBody, Predicate<URI> followRedirect) {
        public Request {
            headers = headers == null ? Map.of() : headers;
            if (followRedirect == null) followRedirect = u -> true;
        }

        Request to(String m, URI u, Map<String, String> h, byte[] b, String ct) {
            return new Request(m, u, h, b, ct, timeout, maxRedirects, maxBody, followRedirect);
        }
    }

    /**
     * A response.
     *
     * @param uri       where it came from (after redirects)
     * @param headers   names in lower case, repeated headers joined with {@code ", "}
     * @param truncated the body was longer than the request's {@code maxBody}
     */
    public record Response(int status, URI uri, Map<String, String> headers, byte[] body, boolean truncated, int redirects) {
        public String contentType() {
            return headers.get("content-type");
        }

        /** The media type in lower case without parameters, or "". */
        public String mediaType() {
            String ct = contentType();
            if (ct == null) return "";
            int semi = ct.indexOf(';');
            return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        }

        /** The charset the content type names, or null. */
        public Charset charset() {
            String ct = contentType();
            if (ct == null) return null;
            try {
                return ContentType.parse(ct).getCharset();
            } catch (RuntimeException e) {
                return null;
            }
        }

        public String text() {
            Charset cs = charset();
            return new String(body, cs == null ? StandardCharsets.UTF_8 : cs);
        }

        public String location() {
            return headers.get("location");
        }
    }

    /** A request that could not be made, or timed out; the message says which and why. */
    public static final class FetchException extends IOException {
        FetchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Makes the request, following allowed redirects.
     *
     * @throws NetworkPolicy.DeniedAddressException when the host (or a redirect's) resolves to a denied address
     * @throws FetchException                       on a bad URL, a connection error or the timeout
     */
    public Response fetch(Request request) throws IOException {
        long deadline = System.nanoTime() + request.timeout().toNanos();
        Request r = request;
        for (int hop = 0; ; hop++) {
            checkUrl(r.uri());
            policy.resolve(r.uri().getHost()); // refuse before connecting; the client's resolver checks again
            long left = deadline - System.nanoTime();
            if (left <= 0) throw timeout(request);
            Response resp = once(r, Duration.ofNanos(left), hop, request);
            if (!REDIRECTS.contains(resp.status()) || resp.location() == null || hop >= r.maxRedirects()) return resp;
            URI next;
            try {
                next = r.uri().resolve(resp.location().trim()).normalize();
            } catch (IllegalArgumentException e) {
                return resp;
            }
            String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) return resp;
            if (!r.followRedirect().test(next)) return resp;
            r = redirected(r, resp.status(), next);
        }
    }

    private Request redirected(Request r, int status, URI next) {
        boolean toGet = status == 303 && !r.method().equals("HEAD") || (status == 301 || status == 302) && r.method().equals("POST");
        Map<String, String> h = new LinkedHashMap<>();
        boolean sameOrigin = origin(r.uri()).equals(origin(next));
        r.headers().forEach((k, v) -> {
            String lk = k.toLowerCase(Locale.ROOT);
            if (!sameOrigin && SENSITIVE.contains(lk)) return;
            if (toGet && lk.equals("content-type")) return;
            h.put(k, v);
        });
        return toGet ? r.to("GET", next, h, null, null) : r.to(r.method(), next, h, r.body(), r.contentType());
    }

    private static String origin(URI u) {
        return (u.getScheme() + "://" + u.getHost() + ":" + u.getPort()).toLowerCase(Locale.ROOT);
    }

    static void checkUrl(URI uri) throws FetchException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchException("'" + uri + "' is not an http(s) URL", null);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) throw new FetchException("'" + uri + "' has no host", null);
    }

    private Response once(Request r, Duration timeout, int hop, Request original) throws IOException {
        HttpUriRequestBase req = new HttpUriRequestBase(r.method(), r.uri());
        r.headers().forEach((k, v) -> {
            if (!MANAGED.contains(k.toLowerCase(Locale.ROOT))) req.addHeader(k, v);
        });
        if (r.body() != null) {
            req.setEntity(new ByteArrayEntity(r.body(), r.contentType() == null ? null : ContentType.parse(r.contentType())));
        }
        req.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(timeout)).setConnectionRequestTimeout(Timeout.of(timeout)).build());
        java.util.concurrent.atomic.AtomicBoolean expired = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            expired.set(true); // before the cancel, so that the reader sees why its socket closed
            req.cancel();
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        ClassicHttpResponse resp = null;
        try {
            resp = client().executeOpen(null, req, null);
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header h : resp.getHeaders()) headers.merge(h.getName().toLowerCase(Locale.ROOT), h.getValue(), (a, b) -> a + ", " + b);
            byte[] body = new byte[0];
            boolean truncated = false;
            HttpEntity entity = resp.getEntity();
            if (entity != null && !r.method().equals("HEAD")) {
                InputStream in = entity.getContent();
                body = in.readNBytes((int) Math.min(r.maxBody(), Integer.MAX_VALUE - 16));
                truncated = in.read() != -1;
                if (truncated) req.cancel(); // drop the connection rather than read the rest
            }
            return new Response(resp.getCode(), r.uri(), headers, body, truncated, hop);
        } catch (NetworkPolicy.DeniedAddressException e) {
            throw e;
        } catch (IOException e) {
            req.cancel();
            if (Thread.currentThread().isInterrupted()) throw e; // the job is being cancelled or timed out
            if (expired.get() || e instanceof SocketTimeoutException) throw timeout(original);
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
            throw new FetchException(r.method() + " " + r.uri() + " failed: " + why, e);
        } finally {
            deadline.cancel(false);
            if (resp != null) {
                try {
                    resp.close();
                } catch (IOException | RuntimeException ignored) {
                    // the connection is discarded either way
                }
            }
        }
    }

    private static FetchException timeout(Request r) {
        return new FetchException(r.method() + " " + r.uri() + " timed out after " + io.ordo.core.util.Durations.format(r.timeout()), null);
    }
}
