package io.ordo.server.cli;

import io.ordo.server.Http;
import io.ordo.server.cli.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ordo.server.cli.CliTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code ordo server} run in-process: the ready line, serving, stopping, and bad configuration. */
@Timeout(value = 60, unit = TimeUnit.SECONDS) // --wait polls until the job ends: never hang the build
class ServerCommandTest {
    static final Pattern READY = Pattern.compile("Ordo ready at (http://localhost:\\d+) \\(dashboard and API; store: memory, node ([^;\\s]+); ([^)]*)\\)");

    @Test
    void printsTheReadyLineServesAndStopsWhenInterrupted() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(Main.run(
                new String[]{"server", "--store", "memory:", "--port", "0", "--node-id", "cli-node", "--queue", "mail=2:10",
                        "--lease", "3s", "--shutdown-grace", "200ms"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of())));
        t.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> READY.matcher(out.toString(StandardCharsets.UTF_8)).find());
        Matcher m = READY.matcher(out.toString(StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        assertThat(m.group(2)).isEqualTo("cli-node");
        assertThat(m.group(3)).isEqualTo("no API tokens: listening on loopback only");
        assertThat(out.toString(StandardCharsets.UTF_8).strip().lines()).hasSize(1);
        try (Http http = new Http(m.group(1))) {
            assertThat(http.get("/health").json().path("node").asText()).isEqualTo("cli-node");
            Run submitted = Cli.run(Map.of("ORDO_SERVER", m.group(1)), "submit", "noop", "--queue", "mail", "--wait");
            assertThat(submitted.exit()).as(submitted.toString()).isZero();
        }

        t.interrupt();
        t.join(20_000);

        assertThat(t.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
    }

    @Test
    void badConfigurationIsAUsageError() {
        assertOneLineError(Cli.run(Map.of(), "server", "--store", "memory:", "--queue", "mail"), Main.USAGE, "NAME=CONCURRENCY[:CAPACITY]");
        assertOneLineError(Cli.run(Map.of(), "server", "--store", "memory:", "--port", "70000"), Main.USAGE, "port must be 0-65535");
        assertOneLineError(Cli.run(Map.of(), "server", "--store", "memory:", "--lease", "-1s"), Main.USAGE, "must not be negative");
        assertOneLineError(Cli.run(Map.of("ORDO_PORT", "eighty"), "server", "--store", "memory:"), Main.USAGE, "ORDO_PORT: 'eighty'");
        assertOneLineError(Cli.run(Map.of(), "server", "--store", "jdbc:nosuchdb://x"), Main.USAGE, "no job store for URL");
        assertOneLineError(Cli.run(Map.of(), "server", "--store", "memory:", "--host", "0.0.0.0"), Main.USAGE,
                "refusing to listen on 0.0.0.0 without API tokens");
        assertOneLineError(Cli.run(Map.of("ORDO_ADMIN_TOKEN", "short"), "server", "--store", "memory:"), Main.USAGE,
                "admin token: at least 16 characters");
    }

    @Test
    void aPortInUseIsOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Run r = Cli.run(Map.of(), "server", "--store", "memory:", "--port", Integer.toString(taken.getLocalPort()));
            assertThat(r.exit()).isEqualTo(Main.FAILED);
            assertThat(r.err()).contains("ordo: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the port is in use");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void loadsTheDefinitionsDirectorySkippingInvalidFiles(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("good.yaml"), "id: good\nsteps:\n  - {name: a, action: noop}\n");
        java.nio.file.Files.writeString(dir.resolve("bad.yaml"), "id: bad\nsteps:\n  - {name: a, action: nope}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(Main.run(
                new String[]{"server", "--store", "memory:", "--port", "0", "--definitions", dir.toString(), "--shutdown-grace", "200ms"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of())));
        t.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> out.toString(StandardCharsets.UTF_8).contains("Job definitions:"));
            java.util.List<String> lines = out.toString(StandardCharsets.UTF_8).strip().lines().toList();
            assertThat(lines).hasSize(2);
            Matcher m = READY.matcher(lines.get(0));
            assertThat(m.find()).isTrue();
            assertThat(lines.get(1)).isEqualTo("Job definitions: 1 job definition from " + dir + " (1 created, 0 updated, 0 unchanged); "
                    + "1 file skipped as invalid: " + dir.resolve("bad.yaml"));
            Run list = Cli.run(Map.of("ORDO_SERVER", m.group(1)), "definitions", "list", "--json");
            assertThat(list.out()).contains("\"good\"").doesNotContain("\"bad\"");
        } finally {
            t.interrupt();
            t.join(20_000);
        }
        assertThat(exit.get()).isZero();
        assertOneLineError(Cli.run(Map.of(), "server", "--store", "memory:", "--definitions", dir.resolve("nope").toString()), Main.USAGE,
                "does not exist");
    }
}
