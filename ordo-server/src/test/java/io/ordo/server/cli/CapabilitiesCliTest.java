package io.ordo.server.cli;

import io.ordo.core.OrdoConfig;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Capabilities and routing in the CLI: node flags and their errors, {@code submit --requires}, {@code jobs show}, {@code nodes}. */
class CapabilitiesCliTest {
    static OrdoServer server;
    static Map<String, String> env;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        env = Map.of("ORDO_SERVER", server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static OrdoConfig config(Map<String, String> env, String... args) {
        NodeFlags flags = new NodeFlags();
        new CommandLine(flags).parseArgs(args);
        return flags.options().resolve(env).toOrdoConfig();
    }

    @Test
    void nodeFlagsAndTheEnvironmentSetCapabilitiesAndTypes() {
        OrdoConfig c = config(Map.of(), "--capability", "gpu=1", "--capability", "class=io", "--types", "noop,sleep");
        assertThat(c.capabilities().asMap()).isEqualTo(Map.of("gpu", "1", "class", "io"));
        assertThat(c.servedTypes(Set.of("noop", "sleep", "fail"))).containsExactlyInAnyOrder("noop", "sleep");
        OrdoConfig e = config(Map.of("ORDO_CAPABILITIES", "gpu=1,class=io", "ORDO_TYPES", "noop"));
        assertThat(e.capabilities().canonical()).isEqualTo("class=io,gpu=1");
        assertThat(e.servedTypes(Set.of("noop", "sleep"))).containsExactly("noop");
        // flags win over the environment
        assertThat(config(Map.of("ORDO_CAPABILITIES", "gpu=1"), "--capability", "tpu=2").capabilities().canonical()).isEqualTo("tpu=2");
        assertThat(config(Map.of()).servedTypes(Set.of("noop", "sleep"))).containsExactlyInAnyOrder("noop", "sleep");
    }

    @Test
    void badCapabilitiesStopTheNodeBeforeItStarts() {
        String store = "jdbc:sqlite:" + dir.resolve("ordo.db");
        for (String command : List.of("server", "worker")) {
            for (String bad : List.of("gpu", "=1", "gpu=", "gpu=a b", "Gpu=1")) {
                Cli.Run r = Cli.run(Map.of(), command, "--store", store, "--capability", bad);
                assertThat(r.exit()).as(command + " " + bad + ": " + r).isEqualTo(Main.USAGE);
                assertThat(r.errLines()).singleElement().asString().contains("--capability").contains("gpu=1");
                assertThat(r.out()).doesNotContain("ready");
            }
            Cli.Run nine = Cli.run(Map.of(), command, "--store", store, "--capability", "a=1", "--capability", "b=1", "--capability", "c=1",
                    "--capability", "d=1", "--capability", "e=1", "--capability", "f=1", "--capability", "g=1", "--capability", "h=1",
                    "--capability", "i=1");
            assertThat(nine.exit()).as(nine.toString()).isEqualTo(Main.USAGE);
            assertThat(nine.errLines()).singleElement().asString().contains("at most 8").contains("2^8");
            Cli.Run fromEnv = Cli.run(Map.of("ORDO_CAPABILITIES", "gpu"), command, "--store", store);
            assertThat(fromEnv.exit()).as(fromEnv.toString()).isEqualTo(Main.USAGE);
            assertThat(fromEnv.errLines()).singleElement().asString().contains("ORDO_CAPABILITIES");
        }
    }

    @Test
    void anUnknownTypeInTypesNamesTheKnownOnes() {
        String store = "jdbc:sqlite:" + dir.resolve("types.db");
        Cli.Run r = Cli.run(Map.of(), "worker", "--store", store, "--types", "noop,nope");
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("no handler for nope").contains("known types:").contains("noop")
                .contains("sleep");
        Cli.Run s = Cli.run(Map.of("ORDO_TYPES", "nope"), "server", "--store", store, "--port", "0");
        assertThat(s.exit()).as(s.toString()).isEqualTo(Main.USAGE);
        assertThat(s.errLines()).singleElement().asString().contains("no handler for nope");
    }

    @Test
    void submitRequiresAndJobsShowSaysWhatTheJobWaitsFor() {
        Cli.Run r = Cli.run(env, "submit", "noop", "--requires", "gpu=1", "--requires", "zone=eu");
        assertThat(r.exit()).as(r.toString()).isZero();
        String id = r.outLines().get(0);
        var job = TestServer.job(server, id);
        assertThat(job.requires()).isEqualTo("gpu=1,zone=eu");
        await().atMost(Duration.ofSeconds(10)).until(() -> Cli.run(env, "jobs", "show", id).out().contains("waiting for"));
        Cli.Run show = Cli.run(env, "jobs", "show", id);
        assertThat(show.out()).contains("waiting for a node with gpu=1, zone=eu").contains("requires     gpu=1, zone=eu");
        Cli.Run json = Cli.run(env, "jobs", "show", id, "--json");
        assertThat(json.out()).contains("\"waiting_for\" : \"a node with gpu=1, zone=eu\"");
    }

    @Test
    void badRequiresIsAUsageErrorBeforeAnyRequest() {
        for (String bad : List.of("gpu", "=1", "gpu=")) {
            Cli.Run r = Cli.run(Map.of("ORDO_SERVER", "http://127.0.0.1:1"), "submit", "noop", "--requires", bad);
            assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
            assertThat(r.errLines()).singleElement().asString().contains("--requires");
        }
    }

    @Test
    void nodesShowsCapabilitiesAndTypesWhereTheyTellNodesApart() {
        await().atMost(Duration.ofSeconds(10)).until(() -> Cli.run(env, "nodes").out().contains("alive"));
        Cli.Run plain = Cli.run(env, "nodes");
        assertThat(plain.outLines().get(0)).doesNotContain("TYPES").doesNotContain("CAPABILITIES");
        // two nodes on one SQLite file, one serving a single type and offering gpu=1
        String store = "jdbc:sqlite:" + dir.resolve("nodes.db");
        OrdoServer first = OrdoServer.create(new io.ordo.server.ServerOptions().storeUrl(store).port(0).resolve(Map.of())).start();
        OrdoServer second = OrdoServer.create(new io.ordo.server.ServerOptions().storeUrl(store).port(0)
                .capabilities(List.of("gpu=1")).types(List.of("noop")).resolve(Map.of())).start();
        try {
            Map<String, String> env2 = Map.of("ORDO_SERVER", first.url());
            await().atMost(Duration.ofSeconds(15)).until(() -> Cli.run(env2, "nodes").outLines().size() >= 3);
            Cli.Run r = Cli.run(env2, "nodes");
            assertThat(r.outLines().get(0)).contains("TYPES").contains("CAPABILITIES");
            String gpuNode = second.ordo().config().nodeId();
            assertThat(r.outLines()).anySatisfy(l -> assertThat(l).startsWith(gpuNode).contains(" noop ").contains("gpu=1"));
            assertThat(r.outLines()).anySatisfy(l -> assertThat(l).startsWith(first.ordo().config().nodeId()).contains(" types "));
        } finally {
            second.close();
            first.close();
        }
    }
}
