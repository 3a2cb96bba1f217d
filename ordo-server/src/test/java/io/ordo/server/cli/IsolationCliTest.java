package io.ordo.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --isolate} / {@code ORDO_ISOLATE} naming a type without a job handler: a usage error before the store is opened. */
class IsolationCliTest {
    @TempDir
    Path tmp;

    @Test
    void isolatingAnUnknownTypeIsAUsageError() {
        String store = "jdbc:sqlite:" + tmp.resolve("data").resolve("ordo.db");
        for (Cli.Run r : new Cli.Run[]{Cli.run(Map.of(), "worker", "--store", store, "--isolate", "sleep", "--isolate", "nope"),
                Cli.run(Map.of(), "server", "--store", store, "--port", "0", "--isolate", "nope"),
                Cli.run(Map.of("ORDO_ISOLATE", "sleep, nope"), "worker", "--store", store)}) {
            assertThat(r.exit()).as(r.toString()).isEqualTo(Main.USAGE);
            assertThat(r.errLines()).as(r.toString()).singleElement().asString()
                    .contains("cannot isolate job type 'nope': this node has no job handler for it (job handlers: ");
        }
        assertThat(tmp.resolve("data").resolve("ordo.db")).doesNotExist();
    }
}
