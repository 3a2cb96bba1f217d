package io.ordo.server.auth;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.ordo.server.api.ApiError;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The one check in front of every HTTP route and WebSocket upgrade, so routes added later are
 * covered without doing anything. With no tokens configured it lets everything through (the
 * server then listens on loopback only, see {@code ServerOptions}). With tokens:
 *
 * <ul>
 *   <li>Credentials: {@code Authorization: Bearer TOKEN}; the login cookie ({@code POST /login});
 *       on {@value #WS_PATH} and {@value #SSE_PATH} only, also {@code ?token=TOKEN}, because
 *       browsers cannot set headers on WebSocket and EventSource requests. The cookie counts only
 *       without an {@code Origin} header or from the server's own origin or a CORS-allowed one:
 *       browsers send it on WebSocket handshakes from any site's page.</li>
 *   <li>Open without a token: {@code GET /login}, {@code POST /login}, {@code POST /logout}, {@code GET /health} and
 *       {@code GET /ready} (those two reveal only up/down to callers without a token).</li>
 *   <li>A browser opening a dashboard page ({@code GET}, {@code Accept: text/html}) with no credential or a stale
 *       login cookie: 303 to {@code /login?next=PAGE}, so people see the login form, never a JSON 401.</li>
 *   <li>Anything else without a valid token: 401 with {@code WWW-Authenticate: Bearer}.</li>
 *   <li>A {@code read} token may GET and HEAD, and POST to {@link #READ_ONLY_POSTS} (they compute
 *       an answer and store nothing); any other method → 403.</li>
 * </ul>
 */
public final class AuthGate implements Handler {
    public static final String WS_PATH = "/ws";
    public static final String SSE_PATH = "/api/events";
    public static final String COOKIE = "ordo_session";
    /** The caller's {@link Role} as a request attribute, set when a valid credential came with the request. */
    public static final String ROLE_ATTRIBUTE = "ordo.role";
    /** POSTs that only read: validating a definition stores nothing, so read tokens may use it. */
    public static final Set<String> READ_ONLY_POSTS = Set.of("/api/jobs/definitions/validate");

    private final ApiTokens tokens;
    private final Set<String> trustedOrigins;
    private final Predicate<String> pages;

    public AuthGate(ApiTokens tokens) {
        this(tokens, Set.of(), path -> false);
    }

    /**
     * @param trustedOrigins origins (besides the server's own) whose pages may use the login cookie: the CORS allow-list
     * @param pages          the paths of dashboard pages: a browser opening one without a session is sent to the login page
     */
    public AuthGate(ApiTokens tokens, java.util.Collection<String> trustedOrigins, Predicate<String> pages) {
        this.tokens = tokens;
        this.trustedOrigins = Set.copyOf(trustedOrigins);
        this.pages = pages;
    }

    /** A browser navigation asks for HTML first; API clients and scripts do not. */
    private static boolean acceptsHtml(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/html");
    }

    /** Installs the gate in front of every HTTP route (including unknown paths) and every WebSocket upgrade. */
    public void install(RoutesConfig routes) {
        routes.before(this);
        routes.wsBeforeUpgrade(this);
    }

    /** Whether this request may see details (node id, store, errors): always without tokens, else only with a valid one. */
    public boolean revealsDetails(Context ctx) {
        return !tokens.enabled() || ctx.attribute(ROLE_ATTRIBUTE) != null;
    }

    @Override
    public void handle(Context ctx) {
        if (!tokens.enabled()) return;
        String path = normalize(ctx.path());
        HandlerType method = ctx.method();
        boolean reading = HandlerType.GET.equals(method) || HandlerType.HEAD.equals(method);
        Credential c = credential(ctx, path);
        Role role = c.value == null || c.value.isEmpty() ? null : c.session ? tokens.roleOfSession(c.value) : tokens.roleOf(c.value);
        if (role != null) ctx.attribute(ROLE_ATTRIBUTE, role);
        if (isOpen(method, path)) return;
        if (role == null && reading && (c.value == null || c.session) && pages.test(path) && acceptsHtml(ctx)) {
            // a person opening a dashboard page (or with a login cookie that no longer works): the login form, then back here
            String next = ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString();
            ctx.header("Cache-Control", "no-store");
            ctx.redirect("/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8), HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
            return;
        }
        if (role == null) {
            ctx.header("WWW-Authenticate", c.value == null ? "Bearer realm=\"ordo\"" : "Bearer realm=\"ordo\", error=\"invalid_token\"");
            throw new ApiError(401, "unauthorized", c.value == null
                    ? "this server needs an API token: send 'Authorization: Bearer TOKEN' (or log in at /login)"
                    : "the " + c.source + " is not valid", Map.of());
        }
        if (role == Role.READ && !reading && !(HandlerType.POST.equals(method) && READ_ONLY_POSTS.contains(path))) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("role", role.wireName());
            details.put("method", method.name());
            details.put("path", path);
            throw new ApiError(403, "forbidden", "a read token cannot " + method.name() + " " + path + ": that needs an admin token", details);
        }
    }

    private static boolean isOpen(HandlerType method, String path) {
        boolean reading = HandlerType.GET.equals(method) || HandlerType.HEAD.equals(method);
        return path.equals("/login") && (reading || HandlerType.POST.equals(method))
                || path.equals("/logout") && HandlerType.POST.equals(method)
                || reading && (path.equals("/health") || path.equals("/ready"));
    }

    private record Credential(String value, boolean session, String source) {
    }

    /** The first credential found: the Authorization header wins, then ?token= (two paths only), then the cookie. */
    private Credential credential(Context ctx, String path) {
        String auth = ctx.header("Authorization");
        if (auth != null) {
            String a = auth.strip();
            // a malformed header counts as an invalid token rather than as no token: the client meant to authenticate
            boolean bearer = a.regionMatches(true, 0, "Bearer ", 0, 7);
            return new Credential(bearer ? a.substring(7).strip() : "", false, "API token");
        }
        if (path.equals(WS_PATH) || path.equals(SSE_PATH)) {
            String q = ctx.queryParam("token");
            if (q != null) return new Credential(q, false, "API token");
        }
        String cookie = ctx.cookie(COOKIE);
        if (cookie != null) {
            // browsers send cookies on WebSocket handshakes from any site's page; a foreign Origin must not ride on them
            if (!originTrusted(ctx)) return new Credential("", false, "login cookie, sent from a page of another origin,");
            return new Credential(cookie, true, "login cookie (log in again at /login)");
        }
        return new Credential(null, false, null);
    }

    /** No Origin header (not a browser, or a same-origin GET), the server's own origin, or one of the trusted ones. */
    private boolean originTrusted(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || trustedOrigins.contains(origin)) return true;
        String host = ctx.header("Host");
        try {
            java.net.URI u = new java.net.URI(origin);
            if (u.getHost() == null || host == null) return false;
            String authority = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
            // both leave out a default port, so the same origin has the same authority
            return authority.equalsIgnoreCase(host);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** Javalin ignores one trailing slash when routing, so {@code /ws/} is {@code /ws} here too. */
    static String normalize(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
