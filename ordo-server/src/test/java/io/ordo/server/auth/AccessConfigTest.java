package io.ordo.server.auth;

import io.ordo.core.InvalidRequestException;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import io.ordo.server.TestServer;
import io.ordo.server.auth.Client.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.ordo.server.auth.Client.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where tokens, CORS origins and the webhook secret come from, and what a configured CORS allow-list does. */
class AccessConfigTest {
    static final String A1 = "admin-one-0123456789abcdef";
    static final String A2 = "admin-two-0123456789abcdef";
    static final String R1 = "read-one-0123456789abcdef";
    static final String R2 = "read-two-0123456789abcdef";

    @Test
    void aYamlConfigFileHoldsSeveralTokensPerRoleAndTheEnvironmentAddsMore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ordo.yaml");
        Files.writeString(file, """
                admin_tokens: [%s, %s]
                read_tokens:
                  - %s
                cors_origins: [https://ops.example.org]
                webhook_secret: file-secret-0123456789
                port: 9100
                """.formatted(A1, A2, R1));

        ServerOptions o = new ServerOptions().configFile(file).resolve(Map.of("ORDO_READ_TOKEN", R2, "ORDO_PORT", "9200"));

        assertThat(o.tokens().adminCount()).isEqualTo(2);
        assertThat(o.tokens().readCount()).isEqualTo(2);
        assertThat(o.tokens().roleOf(A2)).isEqualTo(Role.ADMIN);
        assertThat(o.tokens().roleOf(R1)).isEqualTo(Role.READ);
        assertThat(o.tokens().roleOf(R2)).isEqualTo(Role.READ);
        assertThat(o.tokens().roleOf("unknown-token-0123456789")).isNull();
        assertThat(o.corsOrigins()).containsExactly("https://ops.example.org");
        assertThat(o.port()).as("the environment wins over the file").isEqualTo(9200);
        assertThat(o.toOrdoConfig().webhookSecret()).isEqualTo("file-secret-0123456789");
    }

    @Test
    void tomlAndTheOrdoConfigVariableWorkToo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ordo.toml");
        Files.writeString(file, "admin_tokens = [\"%s\"]\nhost = \"0.0.0.0\"\n".formatted(A1));

        ServerOptions o = new ServerOptions().resolve(Map.of("ORDO_CONFIG", file.toString()));

        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.tokens().roleOf(A1)).isEqualTo(Role.ADMIN);
    }

    @Test
    void theEnvironmentTakesCommaSeparatedTokens() {
        ServerOptions o = new ServerOptions().resolve(Map.of("ORDO_ADMIN_TOKEN", A1 + ", " + A2, "ORDO_READ_TOKEN", R1));
        assertThat(o.tokens().adminCount()).isEqualTo(2);
        assertThat(o.tokens().roleOf(A2)).isEqualTo(Role.ADMIN);
    }

    @Test
    void badAccessSettingsAreClearErrors(@TempDir Path dir) throws Exception {
        Path unknown = dir.resolve("bad.yaml");
        Files.writeString(unknown, "admin_token: " + A1 + "\n");
        assertThatThrownBy(() -> new ServerOptions().configFile(unknown).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown key 'admin_token'");
        Path wrongType = dir.resolve("type.yaml");
        Files.writeString(wrongType, "read_tokens: {a: b}\n");
        assertThatThrownBy(() -> new ServerOptions().configFile(wrongType).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'read_tokens' must be a list of strings");
        assertThatThrownBy(() -> new ServerOptions().configFile(dir.resolve("missing.yaml")).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new ServerOptions().configFile(dir.resolve("ordo.ini")).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("*.yaml");
        assertThatThrownBy(() -> new ServerOptions().adminTokens(List.of("short")).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("at least 16 characters");
        assertThatThrownBy(() -> new ServerOptions().adminTokens(List.of(A1)).readTokens(List.of(A1)).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("admin and a read token");
        assertThatThrownBy(() -> new ServerOptions().adminTokens(List.of("has space 0123456789")).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("spaces");
        assertThatThrownBy(() -> new ServerOptions().corsOrigins(List.of("https://x.org/path")).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("scheme://host[:port]");
        assertThatThrownBy(() -> new ServerOptions().resolve(Map.of("ORDO_WEBHOOK_SECRET", "short")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("webhook secret");
    }

    @Test
    void aConfiguredOriginGetsCorsHeadersAndItsPreflightOthersGetNothing() {
        ServerOptions options = new ServerOptions().adminTokens(List.of(A1)).corsOrigins(List.of("https://ops.example.org"));
        try (OrdoServer server = TestServer.start(options); Client client = new Client(server.url())) {
            Map<String, String> preflight = Map.of("Origin", "https://ops.example.org", "Access-Control-Request-Method", "POST",
                    "Access-Control-Request-Headers", "authorization, content-type");
            Answer p = client.send("OPTIONS", "/api/jobs", null, preflight, true);
            assertThat(p.status()).isEqualTo(204);
            assertThat(p.header("Access-Control-Allow-Origin")).isEqualTo("https://ops.example.org");
            assertThat(p.header("Access-Control-Allow-Headers")).contains("Authorization");

            Answer real = client.get("/api/jobs/stats", Map.of("Authorization", "Bearer " + A1, "Origin", "https://ops.example.org"));
            assertThat(real.status()).isEqualTo(200);
            assertThat(real.header("Access-Control-Allow-Origin")).isEqualTo("https://ops.example.org");
            Answer noToken = client.get("/api/jobs/stats", Map.of("Origin", "https://ops.example.org"));
            assertThat(noToken.status()).as("CORS does not replace the token").isEqualTo(401);

            Answer other = client.send("OPTIONS", "/api/jobs", null,
                    Map.of("Origin", "https://evil.example", "Access-Control-Request-Method", "POST"), true);
            assertThat(other.status()).isEqualTo(401);
            assertThat(other.header("Access-Control-Allow-Origin")).isNull();
            assertThat(client.get("/api/jobs/stats", Map.of("Authorization", "Bearer " + A1, "Origin", "https://evil.example"))
                    .header("Access-Control-Allow-Origin")).isNull();
            assertThat(client.get("/api/jobs/stats", bearer(A1)).header("Access-Control-Allow-Origin")).isNull();
        }
    }
}
