package io.ordo.server.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ordo worker} refuses what cannot work, in one line. (A worker process at work: WorkerRoutesTest.) */
class WorkerCommandTest {
    @Test
    void anInMemoryStoreIsRefused() {
        Cli.Run r = Cli.run(Map.of(), "worker", "--store", "memory:");
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("memory:").contains("SQLite file or PostgreSQL");
    }

    @Test
    void theServersHostSettingDoesNotApplyToAWorker() {
        // a worker has no HTTP API: ORDO_HOST=0.0.0.0 without tokens is no reason to refuse it
        Cli.Run r = Cli.run(Map.of("ORDO_HOST", "0.0.0.0"), "worker", "--store", "memory:");
        assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
        assertThat(r.errLines()).singleElement().asString().contains("memory:").doesNotContain("refusing to listen");
    }

    @Test
    void badFlagsAreUsageErrors() {
        assertThat(Cli.run(Map.of(), "worker", "--queue", "nope").exit()).isEqualTo(Main.USAGE);
        assertThat(Cli.run(Map.of(), "worker", "--lease", "-5s").exit()).isEqualTo(Main.USAGE);
        assertThat(Cli.run(Map.of(), "worker", "--port", "8080").exit()).isEqualTo(Main.USAGE);
        assertThat(Cli.run(Map.of(), "worker", "--auto-vacuum", "maybe").exit()).isEqualTo(Main.USAGE);
        assertThat(Cli.run(Map.of("ORDO_AUTO_VACUUM", "maybe"), "worker").exit()).isEqualTo(Main.USAGE);
    }

    @Test
    void aQueueBackendThatCannotBeUsedIsOneLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String store = "jdbc:sqlite:" + dir.resolve("ordo.db");
        Cli.Run unknown = Cli.run(Map.of(), "worker", "--store", store, "--queue-backend", "kafka://127.0.0.1:9092");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(Main.USAGE);
        assertThat(unknown.errLines()).singleElement().asString().contains("no queue backend for 'kafka:'").contains("redis").contains("amqp");
        Cli.Run down = Cli.run(Map.of(), "worker", "--store", store, "--queue-backend", "redis://127.0.0.1:1");
        assertThat(down.exit()).as(down.toString()).isEqualTo(Main.FAILED);
        assertThat(down.errLines()).singleElement().asString().contains("cannot reach Redis at redis://127.0.0.1:1");
        Cli.Run refused = Cli.run(Map.of(), "worker", "--store", store, "--queue-backend", "amqp://guest:not-the-password@127.0.0.1:5672/");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(Main.FAILED);
        assertThat(refused.errLines()).singleElement().asString().contains("RabbitMQ").contains("credentials").doesNotContain("not-the-password");
        Cli.Run notUrl = Cli.run(Map.of("ORDO_QUEUE_BACKEND", "rabbit"), "worker", "--store", store);
        assertThat(notUrl.exit()).as(notUrl.toString()).isEqualTo(Main.USAGE);
        assertThat(notUrl.errLines()).singleElement().asString().contains("'rabbit' is not a URL");
    }

    @Test
    void autoVacuumTakesTrueOrFalse() {
        NodeFlags flags = new NodeFlags();
        new CommandLine(flags).parseArgs("--auto-vacuum", "false");
        assertThat(flags.options().resolve(Map.of()).toOrdoConfig().autoVacuum()).isFalse();
        assertThat(new NodeFlags().options().resolve(Map.of()).toOrdoConfig().autoVacuum()).as("default").isTrue();
    }
}
