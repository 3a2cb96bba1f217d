package io.ordo.server;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.OrdoConfig;
import io.ordo.core.engine.QueueConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerOptionsTest {

    @Test
    void defaultsAreSqliteUnderDataOnLoopback8080With100Slots() {
        ServerOptions o = new ServerOptions().resolve(Map.of());

        assertThat(o.dataDir()).isEqualTo(Path.of("data"));
        assertThat(o.storeUrl()).isEqualTo("jdbc:sqlite:" + Path.of("data", "ordo.db"));
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(8080);
        assertThat(o.toOrdoConfig().queues()).containsExactly(Map.entry("default", new QueueConfig("default", 100, null)));
    }

    @Test
    void theEnvironmentFillsWhatFlagsDoNotSet() {
        Map<String, String> env = Map.of("ORDO_DATA", "/var/ordo", "ORDO_PORT", "9000", "ORDO_CONCURRENCY", "3", "ORDO_HOST", "0.0.0.0",
                "ORDO_ADMIN_TOKEN", "admin-token-0123456789");

        ServerOptions o = new ServerOptions().resolve(env);

        assertThat(o.storeUrl()).isEqualTo("jdbc:sqlite:" + Path.of("/var/ordo", "ordo.db"));
        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.concurrency()).isEqualTo(3);
        assertThat(o.host()).isEqualTo("0.0.0.0");
    }

    @Test
    void flagsWinOverTheEnvironment() {
        Map<String, String> env = Map.of("ORDO_STORE_URL", "jdbc:postgresql://db/ordo", "ORDO_PORT", "9000", "ORDO_CONCURRENCY", "3");

        ServerOptions o = new ServerOptions().storeUrl("memory:").port(7000).concurrency(5).resolve(env);

        assertThat(o.storeUrl()).isEqualTo("memory:");
        assertThat(o.port()).isEqualTo(7000);
        assertThat(o.toOrdoConfig().queues().get("default").concurrency()).isEqualTo(5);
    }

    @Test
    void theLeaderLeaseComesFromTheFlagOrTheEnvironmentAndIsAtLeastASecond() {
        assertThat(new ServerOptions().resolve(Map.of()).toOrdoConfig().leaderLease()).isEqualTo(java.time.Duration.ofSeconds(15));
        assertThat(new ServerOptions().resolve(Map.of("ORDO_LEADER_LEASE", "4s")).toOrdoConfig().leaderLease()).isEqualTo(java.time.Duration.ofSeconds(4));
        assertThat(new ServerOptions().leaderLease(java.time.Duration.ofSeconds(2)).resolve(Map.of("ORDO_LEADER_LEASE", "4s")).toOrdoConfig()
                .leaderLease()).isEqualTo(java.time.Duration.ofSeconds(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ServerOptions().leaderLease(java.time.Duration.ofMillis(500)).resolve(Map.of()))
                .isInstanceOf(io.ordo.core.InvalidRequestException.class).hasMessageContaining("leader lease must be at least 1s");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ServerOptions().resolve(Map.of("ORDO_LEADER_LEASE", "soon")))
                .isInstanceOf(io.ordo.core.InvalidRequestException.class).hasMessageContaining("ORDO_LEADER_LEASE");
    }

    @Test
    void storeUrlFromEnvWinsOverDataDir() {
        assertThat(new ServerOptions().resolve(Map.of("ORDO_STORE_URL", "memory:", "ORDO_DATA", "x")).storeUrl()).isEqualTo("memory:");
    }

    @Test
    void queuesAddToDefaultAndMayOverrideIt() {
        OrdoConfig c = new ServerOptions().concurrency(2).queue(QueueSpec.parse("emails=4:100")).queue(QueueSpec.parse("bulk=0"))
                .resolve(Map.of()).toOrdoConfig();
        assertThat(c.queues()).containsEntry("default", new QueueConfig("default", 2, null))
                .containsEntry("emails", new QueueConfig("emails", 4, 100))
                .containsEntry("bulk", new QueueConfig("bulk", 0, null));

        OrdoConfig overridden = new ServerOptions().concurrency(2).queue(QueueSpec.parse("default=7")).resolve(Map.of()).toOrdoConfig();
        assertThat(overridden.queues().get("default").concurrency()).isEqualTo(7);
    }

    @Test
    void leaseSetsHeartbeatToAThird() {
        OrdoConfig c = new ServerOptions().lease(Duration.ofSeconds(3)).resolve(Map.of()).toOrdoConfig();
        assertThat(c.lease()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void theVacuumDutyIsOnUnlessTheFlagOrTheEnvironmentTurnsItOff() {
        assertThat(new ServerOptions().resolve(Map.of()).toOrdoConfig().autoVacuum()).isTrue();
        assertThat(new ServerOptions().resolve(Map.of("ORDO_AUTO_VACUUM", "false")).toOrdoConfig().autoVacuum()).isFalse();
        assertThat(new ServerOptions().autoVacuum(true).resolve(Map.of("ORDO_AUTO_VACUUM", "false")).toOrdoConfig().autoVacuum()).isTrue();
        assertThatThrownBy(() -> new ServerOptions().resolve(Map.of("ORDO_AUTO_VACUUM", "sometimes")))
                .hasMessage("ORDO_AUTO_VACUUM: 'sometimes' is not true or false");
    }

    @Test
    void queueBackendComesFromTheFlagThenTheEnvironmentAndDefaultsToJdbc() {
        assertThat(new ServerOptions().resolve(Map.of()).toOrdoConfig().queueBackend()).isEqualTo("jdbc");
        assertThat(new ServerOptions().resolve(Map.of("ORDO_QUEUE_BACKEND", "redis://127.0.0.1:6379")).toOrdoConfig().queueBackend())
                .isEqualTo("redis://127.0.0.1:6379");
        assertThat(new ServerOptions().queueBackend("jdbc").resolve(Map.of("ORDO_QUEUE_BACKEND", "redis://127.0.0.1:6379"))
                .toOrdoConfig().queueBackend()).isEqualTo("jdbc");
        assertThatThrownBy(() -> new ServerOptions().queueBackend("redis").resolve(Map.of())).isInstanceOf(InvalidRequestException.class)
                .hasMessage("queue backend 'redis' is not a URL: use jdbc (the default), redis://HOST:PORT or amqp://USER:PASS@HOST:PORT");
        assertThatThrownBy(() -> new ServerOptions().resolve(Map.of("ORDO_QUEUE_BACKEND", "amqp:guest:secret"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageNotContaining("secret");
    }

    @Test
    void badValuesAreClearErrors() {
        assertThatThrownBy(() -> new ServerOptions().resolve(Map.of("ORDO_PORT", "http"))).isInstanceOf(InvalidRequestException.class)
                .hasMessage("ORDO_PORT: 'http' is not a whole number");
        assertThatThrownBy(() -> new ServerOptions().port(70000).resolve(Map.of())).hasMessageContaining("port must be 0-65535");
        assertThatThrownBy(() -> new ServerOptions().concurrency(-1).resolve(Map.of())).hasMessageContaining("concurrency must be >= 0");
        assertThatThrownBy(() -> new ServerOptions().lease(Duration.ofMillis(10)).resolve(Map.of())).hasMessageContaining("lease must be at least");
        assertThatThrownBy(() -> new ServerOptions().queue(QueueSpec.parse("bad name!=1")).resolve(Map.of()).toOrdoConfig())
                .hasMessageContaining("queue 'bad name!' is invalid");
    }

    @Test
    void queueSpecsParseOrExplainTheForm() {
        assertThat(QueueSpec.parse("a=1")).isEqualTo(new QueueSpec("a", 1, null));
        assertThat(QueueSpec.parse(" a=2:30 ")).isEqualTo(new QueueSpec("a", 2, 30));
        for (String bad : new String[]{"a", "a=", "=1", "a=x", "a=1:", "a=-1", "a=1:2:3"}) {
            assertThatThrownBy(() -> QueueSpec.parse(bad)).as(bad).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("NAME=CONCURRENCY[:CAPACITY]");
        }
        assertThatThrownBy(() -> QueueSpec.parse("a=1:0")).hasMessageContaining("capacity must be at least 1");
    }

    @Test
    void definitionsComeFromTheFlagOrTheEnvironmentAndMustExist(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertThat(new ServerOptions().resolve(Map.of()).definitionsDir()).as("no ./job-definitions here").isNull();
        assertThat(new ServerOptions().resolve(Map.of("ORDO_DEFINITIONS", dir.toString())).definitionsDir()).isEqualTo(dir);
        assertThat(new ServerOptions().definitionsDir(dir).resolve(Map.of("ORDO_DEFINITIONS", "/nope")).definitionsDir()).isEqualTo(dir);
        assertThatThrownBy(() -> new ServerOptions().resolve(Map.of("ORDO_DEFINITIONS", dir.resolve("missing").toString())))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new ServerOptions().definitionsDir(dir.resolve("missing")).resolve(Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("job definitions directory");
    }
}
