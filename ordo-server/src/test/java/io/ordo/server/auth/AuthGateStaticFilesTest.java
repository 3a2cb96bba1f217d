package io.ordo.server.auth;

import io.javalin.Javalin;
import io.javalin.http.staticfiles.Location;
import io.ordo.server.api.ErrorMapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Static files (the dashboard's assets) are served behind the same gate as routes. */
class AuthGateStaticFilesTest {

    @Test
    void staticFilesNeedAToken(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.js"), "console.log('dashboard');");
        String admin = "admin-token-0123456789abcdef";
        AuthGate gate = new AuthGate(ApiTokens.of(List.of(admin), List.of()));
        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.staticFiles.add(dir.toString(), Location.EXTERNAL);
            gate.install(c.routes);
            ErrorMapping.install(c.routes, 1024 * 1024);
        }).start("127.0.0.1", 0);
        try (Client client = new Client("http://127.0.0.1:" + app.port())) {
            Client.Answer none = client.get("/app.js", Map.of());
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.body()).doesNotContain("dashboard");
            Client.Answer ok = client.get("/app.js", Client.bearer(admin));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body()).contains("dashboard");
        } finally {
            app.stop();
        }
    }
}
