package io.ordo.server.auth;

import io.ordo.server.OrdoServer;
import io.ordo.server.QueueSpec;
import io.ordo.server.ServerOptions;
import io.ordo.server.api.RouteGroup;
import io.ordo.server.asjob.AsyncEndpoint;
import io.ordo.server.auth.Client.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static io.ordo.server.auth.Client.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server with one admin and one read token. The matrix walks every route the server serves
 * (from Javalin's own route list, so routes added later are checked without touching this test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String READ = "read-token-0123456789abcdef";
    static final String TEST_WS = "/test/ws";

    OrdoServer server;
    Client client;

    @BeforeAll
    void start() {
        ServerOptions options = new ServerOptions().storeUrl("memory:").port(0).concurrency(2).shutdownGrace(Duration.ofMillis(300))
                .queue(QueueSpec.parse("tiny=0:2")).adminTokens(List.of(ADMIN)).readTokens(List.of(READ));
        server = OrdoServer.create(options.resolve(Map.of()));
        RouteGroup ws = routes -> routes.ws(TEST_WS, w -> w.onConnect(c -> c.send("hello")));
        server.routes(AsyncEndpoint.of(server.ordo(), "/api/test/async", "noop"), ws).start();
        client = new Client(server.url());
    }

    @AfterAll
    void stop() {
        client.close();
        server.close();
    }

    /** Path parameters filled with an id that names nothing: the answer is a 4xx of the route, or 200. */
    private static String concrete(String path) {
        return path.replaceAll("\\{[^}]+}|<[^>]+>", UUID.randomUUID().toString());
    }

    private static boolean open(String method, String path) {
        return (method.equals("GET") || method.equals("HEAD")) && List.of("/login", "/health", "/ready").contains(path)
                || method.equals("POST") && (path.equals("/login") || path.equals("/logout"));
    }

    private Answer call(String method, String path, Map<String, String> headers) {
        boolean hasBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        return client.send(method.equals("WS") ? "GET" : method, concrete(path), hasBody ? "{}" : null, headers, false);
    }

    @Test
    void everyRouteNeedsATokenAndReadTokensCannotMutate() {
        List<String> routes = server.routeList();
        assertThat(routes).contains("GET /metrics", "GET /health", "GET /ready", "GET /login", "POST /login", "POST /api/jobs",
                "GET /api/jobs/{id}", "POST /api/test/async", "WS " + TEST_WS);
        List<String> problems = new ArrayList<>();
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1);
            boolean reading = method.equals("GET") || method.equals("HEAD") || method.equals("WS")
                    || method.equals("POST") && AuthGate.READ_ONLY_POSTS.contains(path);

            Answer none = call(method, path, Map.of());
            if (open(method, path)) {
                if (none.status() == 401 || none.status() == 403) problems.add(route + " without token: " + none);
            } else if (none.status() != 401 || none.header("WWW-Authenticate") == null
                    || !none.header("WWW-Authenticate").startsWith("Bearer") || !"unauthorized".equals(none.errorCode())) {
                problems.add(route + " without token: expected 401 + WWW-Authenticate: Bearer, got " + none);
            }

            Answer wrong = call(method, path, bearer("not-a-token-0123456789"));
            if (!open(method, path) && wrong.status() != 401) problems.add(route + " with a wrong token: " + wrong);

            Answer read = call(method, path, bearer(READ));
            if (reading || open(method, path)) {
                if (read.status() == 401 || read.status() == 403) problems.add(route + " with read token: " + read);
            } else if (read.status() != 403 || !"forbidden".equals(read.errorCode())) {
                problems.add(route + " with read token: expected 403, got " + read);
            }

            Answer admin = call(method, path, bearer(ADMIN));
            if (admin.status() == 401 || admin.status() == 403 || admin.status() >= 500) problems.add(route + " with admin token: " + admin);
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void unknownPathsAreHiddenBehindTheGateToo() {
        assertThat(client.get("/no/such/route", Map.of()).status()).isEqualTo(401);
        assertThat(client.get("/no/such/route", bearer(READ)).status()).isEqualTo(404);
        assertThat(client.send("DELETE", "/no/such/route", null, bearer(READ), true).status()).isEqualTo(403);
    }

    @Test
    void queryTokenIsAcceptedOnlyOnWebSocketAndEventStreamPaths() {
        for (String path : List.of(AuthGate.SSE_PATH, AuthGate.WS_PATH, AuthGate.WS_PATH + "/")) {
            assertThat(call("GET", path + "?token=" + READ, Map.of()).status()).as(path).isNotIn(401, 403);
            assertThat(call("GET", path + "?token=" + ADMIN, Map.of()).status()).as(path).isNotIn(401, 403);
            assertThat(call("GET", path + "?token=wrong-token-0123456789", Map.of()).status()).as(path).isEqualTo(401);
            assertThat(call("GET", path, Map.of()).status()).as(path).isEqualTo(401);
        }
        for (String path : List.of("/api/jobs/stats", "/metrics", "/openapi.json", TEST_WS, "/api/events/x")) {
            assertThat(call("GET", path + "?token=" + ADMIN, Map.of()).status()).as(path).isEqualTo(401);
        }
        // a read token in the query cannot mutate either
        assertThat(client.send("POST", AuthGate.SSE_PATH + "?token=" + READ, "{}", Map.of(), true).status()).isEqualTo(403);
    }

    @Test
    void webSocketUpgradesPassTheSameGate() throws Exception {
        URI ws = URI.create(server.url().replace("http://", "ws://") + TEST_WS);
        WebSocket.Listener listener = new WebSocket.Listener() { };

        WebSocket ok = client.http().newWebSocketBuilder().header("Authorization", "Bearer " + READ)
                .buildAsync(ws, listener).get(10, TimeUnit.SECONDS);
        ok.abort();
        for (Map<String, String> headers : List.of(Map.<String, String>of(), bearer("wrong-token-0123456789"))) {
            var builder = client.http().newWebSocketBuilder();
            headers.forEach(builder::header);
            assertThatThrownBy(() -> builder.buildAsync(ws, listener).join())
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                            e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        }
        // ?token= is for /ws and /api/events only
        URI withQuery = URI.create(ws + "?token=" + ADMIN);
        assertThatThrownBy(() -> client.http().newWebSocketBuilder().buildAsync(withQuery, listener).join())
                .cause().isInstanceOf(WebSocketHandshakeException.class);
    }

    @Test
    void theEventWebSocketAndStreamTakeATokenInTheQuery() throws Exception {
        assertThat(server.routeList()).contains("WS " + AuthGate.WS_PATH, "GET " + AuthGate.SSE_PATH);
        String wsBase = server.url().replace("http://", "ws://") + AuthGate.WS_PATH;
        WebSocket.Listener listener = new WebSocket.Listener() { };
        WebSocket ok = client.http().newWebSocketBuilder().buildAsync(URI.create(wsBase + "?token=" + READ), listener).get(10, TimeUnit.SECONDS);
        ok.abort();
        for (String query : List.of("", "?token=wrong-token-0123456789")) {
            assertThatThrownBy(() -> client.http().newWebSocketBuilder().buildAsync(URI.create(wsBase + query), listener).join())
                    .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                            e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
        }

        Answer sse = client.send("GET", AuthGate.SSE_PATH + "?token=" + READ, null, Map.of(), false);
        assertThat(sse.status()).isEqualTo(200);
        assertThat(sse.header("Content-Type")).startsWith("text/event-stream");
        assertThat(client.send("GET", AuthGate.SSE_PATH, null, Map.of(), false).status()).isEqualTo(401);
    }

    @Test
    void theLoginPageIsOpenAndItsCookieWorksLikeTheToken() {
        Answer page = client.get("/login", Map.of());
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("<form method=\"post\" action=\"/login\"").contains("name=\"token\"");

        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
        Answer wrong = client.send("POST", "/login", "token=wrong-token-0123456789", form, true);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.header("Set-Cookie")).isNull();

        Answer login = client.send("POST", "/login", "token=" + READ, form, true);
        assertThat(login.status()).isEqualTo(303);
        assertThat(login.header("Location")).isEqualTo("/");
        String setCookie = login.header("Set-Cookie");
        assertThat(setCookie).startsWith(AuthGate.COOKIE + "=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/")
                .doesNotContain(READ);
        Map<String, String> cookie = Map.of("Cookie", setCookie.substring(0, setCookie.indexOf(';')));

        assertThat(client.get("/api/jobs/stats", cookie).status()).isEqualTo(200);
        assertThat(client.send("POST", "/api/jobs", "{\"type\": \"noop\"}", cookie, true).status()).as("read cookie").isEqualTo(403);
        assertThat(client.get("/api/jobs/stats", Map.of("Cookie", AuthGate.COOKIE + "=forged")).status()).isEqualTo(401);
        // a page of another site cannot use the cookie (browsers send it on WebSocket handshakes from anywhere)
        Map<String, String> foreign = new HashMap<>(cookie);
        foreign.put("Origin", "https://evil.example");
        assertThat(client.get("/api/jobs/stats", foreign).status()).isEqualTo(401);
        Map<String, String> own = new HashMap<>(cookie);
        own.put("Origin", server.url());
        assertThat(client.get("/api/jobs/stats", own).status()).as("the server's own pages may").isEqualTo(200);

        Answer json = client.send("POST", "/login", "{\"token\": \"" + ADMIN + "\"}", Map.of(), true);
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.json().path("role").asText()).isEqualTo("admin");
        String adminCookie = json.header("Set-Cookie");
        Answer submitted = client.send("POST", "/api/jobs", "{\"type\": \"noop\"}",
                Map.of("Cookie", adminCookie.substring(0, adminCookie.indexOf(';'))), true);
        assertThat(submitted.status()).isEqualTo(202);
    }

    @Test
    void healthAndReadyRevealOnlyUpOrDownWithoutAToken() {
        assertThat(client.get("/health", Map.of()).json()).hasToString("{\"status\":\"ok\"}");
        assertThat(client.get("/ready", Map.of()).json()).hasToString("{\"status\":\"ready\"}");
        assertThat(client.get("/health", bearer("wrong-token-0123456789")).json()).hasToString("{\"status\":\"ok\"}");

        Answer detailed = client.get("/health", bearer(READ));
        assertThat(detailed.json().path("node").asText()).isEqualTo(server.ordo().config().nodeId());
        assertThat(client.get("/ready", bearer(ADMIN)).json().path("store").asText()).isEqualTo("memory");
    }

    @Test
    void readTokensMayValidateDefinitionsButNotApplyThem() {
        String def = "{\"id\": \"d1\", \"steps\": [{\"name\": \"a\", \"action\": \"noop\"}]}";
        Answer validate = client.send("POST", "/api/jobs/definitions/validate", def, bearer(READ), true);
        assertThat(validate.status()).as(validate.toString()).isNotIn(401, 403);
        assertThat(client.send("POST", "/api/jobs/definitions", def, bearer(READ), true).status()).isEqualTo(403);
    }

    @Test
    void theBearerSchemeIsCaseInsensitiveAndOtherSchemesAreRefused() {
        assertThat(client.get("/api/jobs/stats", Map.of("Authorization", "bearer " + READ)).status()).isEqualTo(200);
        Answer basic = client.get("/api/jobs/stats", Map.of("Authorization", "Basic " + READ));
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.header("WWW-Authenticate")).contains("invalid_token");
        // a wrong header is not rescued by a valid cookie
        Map<String, String> both = new HashMap<>(bearer("wrong-token-0123456789"));
        both.put("Cookie", AuthGate.COOKIE + "=" + ApiTokens.sessionValue(ADMIN));
        assertThat(client.get("/api/jobs/stats", both).status()).isEqualTo(401);
    }

    @Test
    void noCorsHeadersUnlessConfigured() {
        Answer r = client.get("/api/jobs/stats", Map.of("Authorization", "Bearer " + READ, "Origin", "https://evil.example"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
    }
}
