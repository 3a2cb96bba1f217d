package io.ordo.server.cli;

import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;
import io.ordo.server.TestServer;
import io.ordo.server.cli.Cli.Run;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against a server with tokens: ORDO_TOKEN or --token, and clear errors without one. */
class CliAuthTest {
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String READ = "read-token-0123456789abcdef";

    @Test
    void commandsSendTheTokenFromTheEnvironmentOrTheFlag() {
        try (OrdoServer server = TestServer.start(new ServerOptions().adminTokens(List.of(ADMIN)).readTokens(List.of(READ)))) {
            Run none = Cli.run(Map.of("ORDO_SERVER", server.url()), "stats");
            assertThat(none.exit()).as(none.toString()).isEqualTo(Main.FAILED);
            assertThat(none.err()).contains("needs an API token").contains("set ORDO_TOKEN or pass --token");

            Run read = Cli.run(Map.of("ORDO_SERVER", server.url(), "ORDO_TOKEN", READ), "stats");
            assertThat(read.exit()).as(read.toString()).isZero();

            Run readSubmit = Cli.run(Map.of("ORDO_SERVER", server.url(), "ORDO_TOKEN", READ), "submit", "noop");
            assertThat(readSubmit.exit()).isEqualTo(Main.FAILED);
            assertThat(readSubmit.err()).contains("a read token cannot POST /api/jobs");

            Run admin = Cli.run(Map.of("ORDO_SERVER", server.url(), "ORDO_TOKEN", READ), "submit", "noop", "--token", ADMIN, "--wait");
            assertThat(admin.exit()).as(admin.toString()).isZero();

            Run wrong = Cli.run(Map.of("ORDO_SERVER", server.url()), "stats", "--token", "wrong-token-0123456789");
            assertThat(wrong.err()).contains("check ORDO_TOKEN / --token");
        }
    }
}
