package io.ordo.server.dashboard;

import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import io.ordo.server.TestServer;
import io.ordo.server.api.ApiJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** How the dashboard is served: the page, its assets (cached, gzipped, nothing missing), the login redirect and the session. */
class DashboardHttpTest {
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String READ = "read-token-0123456789abcdef";
    static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    static OrdoServer open;
    static OrdoServer locked;

    @BeforeAll
    static void start() {
        open = TestServer.start();
        locked = TestServer.start(new ServerOptions().adminTokens(List.of(ADMIN)).readTokens(List.of(READ)));
    }

    @AfterAll
    static void stop() {
        open.close();
        locked.close();
    }

    static HttpResponse<byte[]> get(OrdoServer server, String path, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
            for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> post(OrdoServer server, String path, String contentType, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void everyPageIsTheSameDocumentThatMayRunOnlyOurScripts() throws Exception {
        for (String page : DashboardRoutes.PAGES) {
            HttpResponse<byte[]> r = get(open, page.replace("{id}", "0190a1b2-0000-7000-8000-000000000001"), "Accept", "text/html");
            assertThat(r.statusCode()).as(page).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
            assertThat(r.headers().firstValue("Cache-Control")).contains("no-cache");
            String html = text(r);
            Matcher m = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL).matcher(html);
            assertThat(m.find()).isTrue();
            String hash = "'sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(m.group(1).getBytes(StandardCharsets.UTF_8))) + "'";
            String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertThat(csp).contains("script-src 'self' " + hash + ";").contains("default-src 'self'").contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            String etag = r.headers().firstValue("ETag").orElseThrow();
            assertThat(get(open, page.replace("{id}", "x"), "If-None-Match", etag).statusCode()).isEqualTo(304);
        }
        assertThat(get(open, "/no/such/page", "Accept", "text/html").statusCode()).isEqualTo(404);
    }

    /** Every file the page names, and every module those import, is served: for a year, gzipped, with an entity tag. */
    @Test
    void everyAssetThePageReachesIsServedCachedAndCompressed() {
        String html = text(get(open, "/"));
        Set<String> todo = new LinkedHashSet<>();
        Matcher m = Pattern.compile("/assets/([0-9a-f]{16})/([a-z0-9.-]+)").matcher(html);
        String hash = null;
        while (m.find()) {
            hash = m.group(1);
            todo.add(m.group(2));
        }
        assertThat(todo).contains("app.js", "style.css", "preact.mjs", "preact-hooks.mjs", "htm.mjs", "uplot.mjs", "uplot.css", "favicon.svg");
        Set<String> seen = new LinkedHashSet<>();
        Pattern imports = Pattern.compile("(?:from|import)\\s*['\"]\\./([a-z0-9.-]+)['\"]");
        while (!todo.isEmpty()) {
            String file = todo.iterator().next();
            todo.remove(file);
            if (!seen.add(file)) continue;
            HttpResponse<byte[]> r = get(open, "/assets/" + hash + "/" + file);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.headers().firstValue("Cache-Control")).as(file).contains("public, max-age=31536000, immutable");
            String type = r.headers().firstValue("Content-Type").orElseThrow();
            if (file.endsWith(".js") || file.endsWith(".mjs")) {
                assertThat(type).as(file).startsWith("text/javascript");
                Matcher im = imports.matcher(text(r));
                while (im.find()) todo.add(im.group(1));
            }
            if (file.endsWith(".css")) assertThat(type).startsWith("text/css");
            String etag = r.headers().firstValue("ETag").orElseThrow();
            assertThat(get(open, "/assets/" + hash + "/" + file, "If-None-Match", etag).statusCode()).as(file).isEqualTo(304);
            if (r.body().length > 2000) {
                assertThat(get(open, "/assets/" + hash + "/" + file, "Accept-Encoding", "gzip").headers().firstValue("Content-Encoding"))
                        .as(file).contains("gzip");
            }
        }
        assertThat(seen).as("every module of the dashboard").contains("page-run.js", "graph.js", "live.js", "editor.js", "chart.js");
        HttpResponse<byte[]> missing = get(open, "/assets/" + hash + "/nope.js");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(text(missing)).contains("\"not_found\"");
        // a page of an older build asks with its own hash: it gets today's file, not cached as the old one
        HttpResponse<byte[]> old = get(open, "/assets/0000000000000000/app.js");
        assertThat(old.statusCode()).isEqualTo(200);
        assertThat(old.headers().firstValue("Cache-Control")).contains("no-cache");
    }

    @Test
    void withTokensAPersonOpeningAPageIsSentToTheLoginFormAndScriptsGet401() {
        HttpResponse<byte[]> browser = get(locked, "/jobs?status=failed", "Accept", "text/html,application/xhtml+xml");
        assertThat(browser.statusCode()).isEqualTo(303);
        assertThat(browser.headers().firstValue("Location")).contains("/login?next=%2Fjobs%3Fstatus%3Dfailed");
        HttpResponse<byte[]> script = get(locked, "/jobs", "Accept", "application/json");
        assertThat(script.statusCode()).isEqualTo(401);
        assertThat(text(script)).contains("\"unauthorized\"");
        assertThat(get(locked, "/assets/x/app.js", "Accept", "text/html").statusCode()).as("assets are not pages").isEqualTo(401);
        assertThat(get(locked, "/jobs", "Accept", "text/html", "Cookie", "ordo_session=stale").statusCode()).as("a stale cookie").isEqualTo(303);

        HttpResponse<byte[]> login = post(locked, "/login", "application/x-www-form-urlencoded", "token=" + READ + "&next=%2Fjobs%3Fstatus%3Dfailed");
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("Location")).contains("/jobs?status=failed");
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        cookie = cookie.substring(0, cookie.indexOf(';'));
        assertThat(get(locked, "/jobs", "Accept", "text/html", "Cookie", cookie).statusCode()).isEqualTo(200);
        assertThat(ApiJson.write(json(get(locked, "/api/session", "Cookie", cookie)))).contains("\"role\":\"read\"").contains("\"auth\":true");

        HttpResponse<byte[]> logout = post(locked, "/logout", "application/x-www-form-urlencoded", "");
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(logout.headers().firstValue("Location")).contains("/login");
        assertThat(logout.headers().firstValue("Set-Cookie").orElseThrow()).startsWith("ordo_session=;").contains("Max-Age=0");
    }

    @Test
    void afterLoginOnlyAPathOnThisServerIsFollowed() {
        for (String next : List.of("//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "")) {
            HttpResponse<byte[]> r = post(locked, "/login", "application/x-www-form-urlencoded",
                    "token=" + ADMIN + "&next=" + java.net.URLEncoder.encode(next, StandardCharsets.UTF_8));
            assertThat(r.headers().firstValue("Location")).as(next).contains("/");
            assertThat(r.headers().firstValue("Location").orElseThrow()).as(next).isEqualTo("/");
        }
        // the login form carries the page asked for, escaped
        assertThat(text(get(locked, "/login?next=/jobs%22%3E%3Cscript%3E"))).contains("value=\"/jobs&quot;&gt;&lt;script&gt;\"");
    }

    @Test
    void theSessionSaysWhatTheCallerMayDo() {
        Map<?, ?> s = json(get(open, "/api/session"));
        assertThat(s.get("auth")).isEqualTo(false);
        assertThat(s.get("role")).isEqualTo("admin");
        assertThat(s.get("launch_workers")).as("an in-memory store cannot be shared with a worker process").isEqualTo(false);
        assertThat(s.get("store")).isEqualTo("memory");
        assertThat((String) s.get("server_time")).isNotBlank();
        assertThat(json(get(locked, "/api/session", "Authorization", "Bearer " + ADMIN)).get("role")).isEqualTo("admin");
        assertThat(get(locked, "/api/session").statusCode()).isEqualTo(401);
    }

    private static Map<?, ?> json(HttpResponse<byte[]> r) {
        try {
            return ApiJson.MAPPER.readValue(r.body(), Map.class);
        } catch (IOException e) {
            throw new AssertionError(text(r), e);
        }
    }
}
