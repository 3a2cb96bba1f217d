package io.ordo.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.server.api.ApiError;
import io.ordo.server.api.ApiJson;
import io.ordo.server.api.RequestBodies;

import java.util.Map;

/**
 * {@code GET /login}: a small HTML form for a token. {@code POST /login} with the form field
 * {@code token} (or a JSON body {@code {"token": "…"}}) checks it and sets the login cookie
 * (HttpOnly, SameSite=Strict, so other sites' pages can neither read nor send it), which the
 * {@link AuthGate} accepts like the token. A form login is redirected to {@code /}; a JSON one gets
 * {@code {"role": "admin"|"read"}}.
 */
public final class LoginRoutes implements io.ordo.server.api.RouteGroup {
    private static final int COOKIE_MAX_AGE = 7 * 24 * 3600;
    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Ordo: log in</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{font-family:system-ui,sans-serif;max-width:24rem;margin:4rem auto;padding:0 1rem}
            input{width:100%%;padding:.5rem;margin:.5rem 0;box-sizing:border-box}.err{color:#b00}</style></head>
            <body><h1>Ordo</h1>%s
            <form method="post" action="/login">
            <label for="token">API token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
            <button type="submit">Log in</button>
            </form></body></html>
            """;

    private final ApiTokens tokens;
    private final int maxBodyBytes;

    public LoginRoutes(ApiTokens tokens, int maxBodyBytes) {
        this.tokens = tokens;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/login", ctx -> page(ctx, 200, tokens.enabled() ? "" : "<p>This server has no API tokens: no login is needed.</p>"));
        routes.post("/login", this::login);
    }

    private void login(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(java.util.Locale.ROOT);
        boolean form = type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
        if (!tokens.enabled()) throw ApiError.badRequest("this server has no API tokens: no login is needed");
        String token = form ? ctx.formParam("token") : tokenFromJson(ctx);
        Role role = token == null ? null : tokens.roleOf(token.strip());
        if (role == null) {
            if (form) {
                page(ctx, 401, "<p class=\"err\">That token is not valid.</p>");
                return;
            }
            throw new ApiError(401, "unauthorized", token == null ? "send the token: {\"token\": \"…\"}" : "the API token is not valid", Map.of());
        }
        ctx.header("Set-Cookie", AuthGate.COOKIE + "=" + ApiTokens.sessionValue(token.strip()) + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
                + COOKIE_MAX_AGE + (secure(ctx) ? "; Secure" : ""));
        ctx.header("Cache-Control", "no-store");
        if (form) {
            ctx.redirect("/", io.javalin.http.HttpStatus.SEE_OTHER);
        } else {
            ctx.status(200).contentType("application/json").result(ApiJson.write(Map.of("role", role.wireName())));
        }
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

    private static void page(Context ctx, int status, String message) {
        ctx.status(status).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store").result(PAGE.formatted(message));
    }
}
