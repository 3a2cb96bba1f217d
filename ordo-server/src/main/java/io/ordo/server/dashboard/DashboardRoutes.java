package io.ordo.server.dashboard;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.server.api.ApiError;
import io.ordo.server.api.RouteGroup;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web dashboard: every page path answers the same small HTML document (the pages are drawn in
 * the browser from the REST API and the live event stream), so a page's URL can be shared and
 * reloaded; {@code GET /assets/{hash}/{file}} serves the scripts and styles. Javalin gzips both.
 * The page may run only our own scripts (a Content-Security-Policy), so an injected string in a job's
 * payload or log can never become code.
 */
public final class DashboardRoutes implements RouteGroup {
    /** Every page path, as routes; the browser-side router knows the same list. */
    public static final List<String> PAGES = List.of("/", "/jobs", "/jobs/{id}", "/runs/{id}", "/batches", "/batches/{id}", "/definitions", "/definitions/{id}",
            "/new-definition", "/dead-letter", "/nodes", "/schedules", "/submit");
    private static final List<Pattern> PAGE_PATTERNS = PAGES.stream()
            .map(p -> Pattern.compile(p.replaceAll("\\{[a-z]+}", "[^/]+"))).toList();
    private static final String YEAR = "public, max-age=31536000, immutable";

    private final DashboardAssets assets;
    private final String csp;

    public DashboardRoutes(DashboardAssets assets) {
        this.assets = assets;
        this.csp = "default-src 'self'; script-src 'self' " + assets.importMapHash() + "; style-src 'self'; img-src 'self' data:;"
                + " connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    /** Whether {@code path} is a dashboard page (for the auth gate, which sends people there to the login form). */
    public static boolean isPage(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (Pattern pattern : PAGE_PATTERNS) {
            if (pattern.matcher(p).matches()) return true;
        }
        return false;
    }

    @Override
    public void register(RoutesConfig routes) {
        for (String page : PAGES) routes.get(page, this::page);
        routes.get("/assets/{hash}/{file}", this::asset);
    }

    private void page(Context ctx) {
        ctx.header("Cache-Control", "no-cache");
        ctx.header("Content-Security-Policy", csp);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("ETag", assets.indexEtag());
        if (assets.indexEtag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType("text/html; charset=utf-8").result(assets.index());
    }

    private void asset(Context ctx) {
        DashboardAssets.Asset a = assets.asset(ctx.pathParam("file"));
        if (a == null) {
            throw new ApiError(404, "not_found", "no dashboard file '" + ctx.pathParam("file") + "'", Map.of("file", ctx.pathParam("file")));
        }
        // a page from an older build asks with its old hash: answer with today's file, but do not let it be cached as the old one
        boolean current = assets.hash().equals(ctx.pathParam("hash"));
        ctx.header("Cache-Control", current ? YEAR : "no-cache");
        ctx.header("ETag", a.etag());
        ctx.header("X-Content-Type-Options", "nosniff");
        if (a.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.status(200).contentType(a.contentType()).result(a.bytes());
    }
}
