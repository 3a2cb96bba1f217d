package io.ordo.server;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.OrdoConfig;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link Plugins} in-process: what a plugins directory registers, and every way it is refused. (Real processes: PluginProcessTest.) */
class PluginsTest {
    @TempDir
    Path tmp;

    private Path plugins() throws Exception {
        return Files.createDirectories(tmp.resolve("plugins"));
    }

    @Test
    void aServerRunsThePluginsHandlerAndStepActionLikeBuiltInOnes() throws Exception {
        Path dir = plugins();
        PluginJars.upperAndShout(dir);
        try (OrdoServer server = TestServer.start(new ServerOptions().pluginsDir(dir))) {
            assertThat(server.readyLine()).endsWith("; plugins: handlers test.upper; actions test-shout");
            Job first = server.ordo().jobs().submit(JobRequest.of("test.upper").payload(Map.of("text", "hello")));
            await().atMost(Duration.ofSeconds(10)).until(() -> TestServer.job(server, first.id().toString()).status() == JobStatus.COMPLETED);
            Job second = server.ordo().jobs().submit(JobRequest.of("test.upper").payload(Map.of("text", "again")));
            await().atMost(Duration.ofSeconds(10)).until(() -> TestServer.job(server, second.id().toString()).status() == JobStatus.COMPLETED);
            assertThat(TestServer.job(server, first.id().toString()).result().toString()).contains("\"upper\":\"HELLO\"").contains("\"runs\":1");
            // one handler instance serves every job on the node
            assertThat(TestServer.job(server, second.id().toString()).result().toString()).contains("\"upper\":\"AGAIN\"").contains("\"runs\":2");

            server.ordo().definitions().apply("shout.yaml", "id: shout\nsteps:\n  - name: loud\n    action: test-shout\n    config: { text: hi }\n");
            Job run = server.ordo().definitions().run("shout");
            await().atMost(Duration.ofSeconds(10)).until(() -> TestServer.job(server, run.id().toString()).isTerminal());
            assertThat(TestServer.job(server, run.id().toString()).status()).isEqualTo(JobStatus.COMPLETED);
            Job step = server.ordo().jobs().tree(run.id(), null, 10).items().stream().filter(j -> "loud".equals(j.step())).findFirst().orElseThrow();
            assertThat(step.result().toString()).isEqualTo("{\"shout\":\"HI!\"}");
        }
    }

    @Test
    void anEmptyDirectoryLoadsNothingAndTheNodeStarts() throws Exception {
        Path dir = plugins();
        Files.writeString(dir.resolve("README.txt"), "not a jar");
        try (Plugins p = Plugins.load(dir)) {
            assertThat(p.handlers()).isEmpty();
            assertThat(p.summary()).isEqualTo("none");
        }
        try (OrdoServer server = TestServer.start(new ServerOptions().pluginsDir(dir))) {
            assertThat(server.readyLine()).endsWith("; plugins: none");
        }
    }

    @Test
    void aMissingProviderClassNamesTheJarAndTheClass() throws Exception {
        Path dir = plugins();
        PluginJars.build(dir, "broken.jar", Map.of(), Map.of(PluginJars.HANDLER_SERVICE, "com.example.NotThere\n"));
        assertThatThrownBy(() -> Plugins.load(dir)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("plugin jar broken.jar").hasMessageContaining("com.example.NotThere").hasMessageContaining("not found");
    }

    @Test
    void aProviderThatCannotBeCreatedNamesTheJarTheClassAndWhy() throws Exception {
        Path dir = plugins();
        PluginJars.build(dir, "throws.jar", Map.of("bad.Boom", """
                package bad;
                public class Boom implements io.ordo.core.handler.JobHandler {
                    public Boom() { throw new IllegalStateException("model file missing"); }
                    public String type() { return "boom"; }
                    public Object run(io.ordo.core.handler.JobContext ctx) { return null; }
                }
                """, "bad.NotAHandler", "package bad; public class NotAHandler { }"),
                Map.of(PluginJars.HANDLER_SERVICE, "bad.Boom\nbad.NotAHandler\n"));
        assertThatThrownBy(() -> Plugins.load(dir)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("plugin jar throws.jar: cannot load job handler bad.Boom")
                .hasMessageContaining("model file missing")
                // both problems at once
                .hasMessageContaining("plugin jar throws.jar: cannot load job handler bad.NotAHandler").hasMessageContaining("not a subtype");
    }

    @Test
    void aJarThatCannotBeOpenedIsNamed() throws Exception {
        Path dir = plugins();
        Files.writeString(dir.resolve("truncated.jar"), "this is no zip file");
        assertThatThrownBy(() -> Plugins.load(dir)).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("plugin jar truncated.jar cannot be opened");
    }

    @Test
    void twoPluginsForOneTypeNameBothJarsAndClasses() throws Exception {
        Path dir = plugins();
        PluginJars.build(dir, "a.jar", Map.of("a.Upper", PluginJars.upperHandler("a", "Upper", "words")),
                Map.of(PluginJars.HANDLER_SERVICE, "a.Upper\n"));
        PluginJars.build(dir, "b.jar", Map.of("b.Upper", PluginJars.upperHandler("b", "Upper", "words"),
                        "b.Shout", PluginJars.shoutAction("b", "Shout", "words-step")),
                Map.of(PluginJars.HANDLER_SERVICE, "b.Upper\n", PluginJars.ACTION_SERVICE, "b.Shout\n"));
        assertThatThrownBy(() -> Plugins.load(dir)).isInstanceOf(InvalidRequestException.class)
                .hasMessage("two plugins give job type 'words': plugin handler a.Upper (a.jar) and plugin handler b.Upper (b.jar)");
    }

    @Test
    void aPluginCannotTakeABuiltInTypeOrAction() throws Exception {
        Path dir = plugins();
        PluginJars.build(dir, "clash.jar", Map.of("c.Noop", PluginJars.upperHandler("c", "Noop", "noop"),
                        "c.Http", PluginJars.shoutAction("c", "Http", "http")),
                Map.of(PluginJars.HANDLER_SERVICE, "c.Noop\n", PluginJars.ACTION_SERVICE, "c.Http\n"));
        try (Plugins p = Plugins.load(dir)) {
            OrdoConfig config = new ServerOptions().storeUrl("memory:").resolve(Map.of()).toOrdoConfig();
            int handlersBefore = config.handlers().size();
            int actionsBefore = config.actions().size();
            assertThatThrownBy(() -> p.addTo(config)).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("plugin handler c.Noop (clash.jar) gives job type 'noop', already given by the built-in handler")
                    .hasMessageContaining("plugin action c.Http (clash.jar) gives step action 'http', already given by the server's action io.ordo.actions.HttpAction");
            // nothing half-applied
            assertThat(config.handlers()).hasSize(handlersBefore);
            assertThat(config.actions()).hasSize(actionsBefore);
        }
        // and the server does not start
        assertThatThrownBy(() -> TestServer.start(new ServerOptions().pluginsDir(dir))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("'noop'");
    }

    @Test
    void theDirectoryMustExistAndBeADirectory() throws Exception {
        assertThatThrownBy(() -> new ServerOptions().pluginsDir(tmp.resolve("nope")).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessage("plugins directory " + tmp.resolve("nope") + " does not exist");
        Path file = Files.writeString(tmp.resolve("file.jar"), "x");
        assertThatThrownBy(() -> new ServerOptions().resolve(Map.of("ORDO_PLUGINS", file.toString())))
                .isInstanceOf(InvalidRequestException.class).hasMessage("plugins directory " + file + " is not a directory");
        assertThat(new ServerOptions().resolve(Map.of("ORDO_PLUGINS", tmp.toString())).pluginsDir()).isEqualTo(tmp);
    }

    @Test
    void theConfigFileMayNameTheDirectoryAndTheEnvironmentWins() throws Exception {
        Path dir = plugins();
        Path config = Files.writeString(tmp.resolve("ordo.yaml"), "plugins: " + dir + "\n");
        assertThat(new ServerOptions().configFile(config).resolve(Map.of()).pluginsDir()).isEqualTo(dir);
        assertThat(new ServerOptions().configFile(config).resolve(Map.of("ORDO_PLUGINS", tmp.toString())).pluginsDir()).isEqualTo(tmp);
        Path missing = Files.writeString(tmp.resolve("missing.yaml"), "plugins: " + tmp.resolve("gone") + "\n");
        assertThatThrownBy(() -> new ServerOptions().configFile(missing).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("plugins directory " + tmp.resolve("gone") + " does not exist");
        Path notText = Files.writeString(tmp.resolve("list.yaml"), "plugins: [a, b]\n");
        assertThatThrownBy(() -> new ServerOptions().configFile(notText).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'plugins' must be a non-empty string");
    }
}
