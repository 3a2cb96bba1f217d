package io.ordo.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.ordo.server.api.ApiError;
import io.ordo.server.api.ApiJson;
import io.ordo.server.api.RequestBodies;

import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /login}: a small HTML form for a token. {@code POST /login} with the form field
 * {@code token} (or a JSON body {@code {"token": "…"}}) checks it and sets the login cookie
 * (HttpOnly, SameSite=Strict, so other sites' pages can neither read nor send it), which the
 * {@link AuthGate} accepts like the token. A form login is redirected to its {@code next} field (a
 * path on this server; the dashboard page that sent the visitor here) or {@code /}; a JSON one gets
 * {@code {"role": "admin"|"read"}}. {@code POST /logout} clears the cookie.
 */
public final class LoginRoutes implements io.ordo.server.api.RouteGroup {
    private static final int COOKIE_MAX_AGE = 7 * 24 * 3600;
    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Ordo: log in</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="color-scheme" content="light dark">
            <link rel="icon" href="data:,">
            <style>
            :root{--bg:#f6f7f9;--fg:#1b1f24;--muted:#5b6570;--card:#fff;--line:#d5dae0;--accent:#2f5fd0;--bad:#b42318}
            @media (prefers-color-scheme: dark){:root{--bg:#111418;--fg:#e6e9ed;--muted:#9aa4af;--card:#1a1f25;--line:#2e353d;--accent:#7aa2ff;--bad:#ff8a80}}
            body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg);margin:0}
            main{max-width:24rem;margin:12vh auto;padding:2rem;background:var(--card);border:1px solid var(--line);border-radius:10px}
            h1{margin:0 0 1rem;font-size:1.4rem}p{color:var(--muted)}.err{color:var(--bad)}
            label{display:block;font-weight:600;margin-top:1rem}
            input{width:100%%;padding:.55rem .6rem;margin:.4rem 0 1rem;box-sizing:border-box;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg);font:inherit}
            button{padding:.5rem 1.1rem;border:0;border-radius:6px;background:var(--accent);color:#fff;font:inherit;font-weight:600;cursor:pointer}
            button:focus-visible,input:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
            </style></head>
            <body><main><h1>Ordo</h1>%s
            <form method="post" action="/login">
            <input type="hidden" name="next" value="%s">
            <label for="token">API token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
            <button type="submit">Log in</button>
            </form></main></body></html>
            """;
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none';"
            + " base-uri 'none'";

    private final ApiTokens tokens;
    private final int maxBodyBytes;

    public LoginRoutes(ApiTokens tokens, int maxBodyBytes) {
        this.tokens = tokens;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/login", ctx -> page(ctx, 200, tokens.enabled() ? "<p>This server needs an API token.</p>"
                : "<p>This server has no API tokens: no login is needed. <a href=\"/\">Open the dashboard</a>.</p>", localPath(ctx.queryParam("next"))));
        routes.post("/login", this::login);
        routes.post("/logout", this::logout);
    }

    private void login(Context ctx) {
        boolean form = isForm(ctx);
        if (!tokens.enabled()) throw ApiError.badRequest("this server has no API tokens: no login is needed");
        String token = form ? ctx.formParam("token") : tokenFromJson(ctx);
        Role role = token == null ? null : tokens.roleOf(token.strip());
        if (role == null) {
            if (form) {
                page(ctx, 401, "<p class=\"err\" role=\"alert\">That token is not valid.</p>", localPath(ctx.formParam("next")));
                return;
            }
            throw new ApiError(401, "unauthorized", token == null ? "send the token: {\"token\": \"…\"}" : "the API token is not valid", Map.of());
        }
        ctx.header("Set-Cookie", AuthGate.COOKIE + "=" + ApiTokens.sessionValue(token.strip()) + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + COOKIE_MAX_AGE + (secure(ctx) ? "; Secure" : ""));
        ctx.header("Cache-Control", "no-store");
        if (form) {
            ctx.redirect(localPath(ctx.formParam("next")), HttpStatus.SEE_OTHER);
        } else {
            ctx.status(200).contentType("application/json").result(ApiJson.write(Map.of("role", role.wireName())));
        }
    }

    /** Clears the login cookie; a form post goes back to the login page, a JSON one gets {@code {logged_out: true}}. */
    private void logout(Context ctx) {
        boolean form = isForm(ctx);
        RequestBodies.drain(ctx, maxBodyBytes);
        ctx.header("Set-Cookie", AuthGate.COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (secure(ctx) ? "; Secure" : ""));
        ctx.header("Cache-Control", "no-store");
        if (form) ctx.redirect("/login", HttpStatus.SEE_OTHER);
        else ctx.status(200).contentType("application/json").result(ApiJson.write(Map.of("logged_out", true)));
    }

    /**
     * Where to go after logging in: a path on this server, else {@code /}. Anything that a browser
     * could read as another host ({@code //evil}, {@code /\evil}, a scheme) is refused: no open redirect.
     */
    static String localPath(String next) {
        if (next == null || next.isEmpty() || next.length() > 2000 || next.charAt(0) != '/') return "/";
        if (next.startsWith("//") || next.startsWith("/\\") || next.chars().anyMatch(c -> c < ' ' || c == '\\' || c == 127)) return "/";
        return next;
    }

    private static boolean isForm(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    }

    private String tokenFromJson(Context ctx) {
        JsonNode body = RequestBodies.json(ctx, maxBodyBytes);
        JsonNode t = body.path("token");
        if (!body.isObject() || !t.isTextual()) throw ApiError.badField("token", "send the token as {\"token\": \"…\"} or as the form field 'token'");
        return t.asText();
    }

    /** Behind a TLS-terminating proxy the request is plain HTTP; the proxy says so in X-Forwarded-Proto. */
    private static boolean secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }

    private static void page(Context ctx, int status, String message, String next) {
        ctx.status(status).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store")
                .header("Content-Security-Policy", CSP).header("X-Content-Type-Options", "nosniff")
                .result(PAGE.formatted(message, escape(next)));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
