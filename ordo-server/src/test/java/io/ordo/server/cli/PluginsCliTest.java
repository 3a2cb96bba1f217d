package io.ordo.server.cli;

import io.ordo.server.PluginJars;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --plugins} and {@code --metrics-port} refused in one line, before anything starts: the
 * store file is not even created. (Plugins at work: PluginsTest, PluginProcessTest.)
 */
class PluginsCliTest {
    @TempDir
    Path tmp;

    private String store() {
        return "jdbc:sqlite:" + tmp.resolve("data").resolve("ordo.db");
    }

    private void assertNothingStarted() {
        assertThat(tmp.resolve("data").resolve("ordo.db")).doesNotExist();
    }

    @Test
    void aMissingPluginsDirectoryIsAUsageError() {
        String missing = tmp.resolve("nope").toString();
        for (Cli.Run r : new Cli.Run[]{Cli.run(Map.of(), "worker", "--store", store(), "--plugins", missing),
                Cli.run(Map.of(), "server", "--store", store(), "--port", "0", "--plugins", missing)}) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
            assertThat(r.errLines()).singleElement().asString().contains("plugins directory " + tmp.resolve("nope") + " does not exist");
        }
        Cli.Run env = Cli.run(Map.of("ORDO_PLUGINS", tmp.resolve("gone").toString()), "worker", "--store", store());
        assertThat(env.exit()).as(env.toString()).isEqualTo(Main.USAGE);
        assertThat(env.errLines()).singleElement().asString().contains("plugins directory " + tmp.resolve("gone"));
        assertNothingStarted();
    }

    @Test
    void aProviderClassThatIsMissingNamesTheJarAndTheClass() throws Exception {
        Path dir = tmp.resolve("plugins");
        PluginJars.build(dir, "half.jar", Map.of(), Map.of(PluginJars.HANDLER_SERVICE, "com.example.GoneHandler\n"));
        Cli.Run r = Cli.run(Map.of(), "worker", "--store", store(), "--plugins", dir.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("plugin jar half.jar").contains("com.example.GoneHandler");
        assertNothingStarted();
    }

    @Test
    void twoHandlersForOneTypeAreAUsageError() throws Exception {
        Path dir = tmp.resolve("plugins");
        PluginJars.build(dir, "one.jar", Map.of("one.H", PluginJars.upperHandler("one", "H", "same.type")), Map.of(PluginJars.HANDLER_SERVICE, "one.H"));
        PluginJars.build(dir, "two.jar", Map.of("two.H", PluginJars.upperHandler("two", "H", "same.type")), Map.of(PluginJars.HANDLER_SERVICE, "two.H"));
        Cli.Run r = Cli.run(Map.of(), "server", "--store", store(), "--port", "0", "--plugins", dir.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.errLines()).singleElement().asString()
                .contains("two plugins give job type 'same.type': plugin handler one.H (one.jar) and plugin handler two.H (two.jar)");
        assertNothingStarted();
    }

    @Test
    void aMetricsPortInUseIsOneLineNamingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Cli.Run r = Cli.run(Map.of(), "worker", "--store", store(), "--metrics-port", String.valueOf(port));
            assertThat(r.exit()).as(r.toString()).isEqualTo(Main.FAILED);
            assertThat(r.errLines()).singleElement().asString().contains("cannot serve metrics on 127.0.0.1:" + port + ": the port is in use");
        }
    }

    @Test
    void aBadMetricsPortIsAUsageError() {
        assertThat(Cli.run(Map.of(), "worker", "--store", store(), "--metrics-port", "70000").exit()).isEqualTo(Main.USAGE);
        Cli.Run env = Cli.run(Map.of("ORDO_METRICS_PORT", "nine"), "worker", "--store", store());
        assertThat(env.exit()).as(env.toString()).isEqualTo(Main.USAGE);
        assertThat(env.errLines()).singleElement().asString().contains("ORDO_METRICS_PORT: 'nine' is not a whole number");
        assertThat(Cli.run(Map.of(), "server", "--metrics-port", "9000").exit()).as("a worker flag only").isEqualTo(Main.USAGE);
        assertNothingStarted();
    }

    @Test
    void aPluginsPathThatIsAFileIsAUsageError() throws Exception {
        Path file = Files.writeString(tmp.resolve("plugins.jar"), "x");
        Cli.Run r = Cli.run(Map.of(), "worker", "--store", store(), "--plugins", file.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("is not a directory");
    }
}
