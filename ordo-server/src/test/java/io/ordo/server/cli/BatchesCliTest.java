package io.ordo.server.cli;

import io.ordo.core.batch.Batch;
import io.ordo.core.batch.BatchRequest;
import io.ordo.core.model.JobRequest;
import io.ordo.server.OrdoServer;
import io.ordo.server.TestServer;
import io.ordo.server.cli.Cli.Run;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.ordo.server.cli.CliTest.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code ordo batches list|show} against a running server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BatchesCliTest {
    static OrdoServer server;
    static Map<String, String> env;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        env = Map.of("ORDO_SERVER", server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Run ordo(String... args) {
        return Cli.run(env, args);
    }

    @Test
    void showsABatchAndListsBatches() {
        Batch b = server.ordo().jobs().batch(BatchRequest.of(List.of(JobRequest.of("noop"), JobRequest.of("noop")))
                .name("nightly").onComplete(JobRequest.of("noop")));
        await().atMost(Duration.ofSeconds(15)).until(() -> server.ordo().jobs().batch(b.id()).finished());
        Batch done = server.ordo().jobs().batch(b.id());

        Run show = ordo("batches", "show", b.id().toString());
        assertThat(show.exit()).as(show.toString()).isZero();
        assertThat(show.out()).contains("name      nightly").contains("status    completed").contains("progress  2/2 (100%)")
                .contains("jobs      2 completed").contains("on_complete" + done.callbacks().get("on_complete"))
                .contains("ordo jobs list --parent " + b.id());

        Run list = ordo("batches", "list");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.outLines().get(0)).startsWith("ID").contains("NAME").contains("STATUS");
        assertThat(list.out()).contains(b.id().toString()).contains("nightly");

        Run json = ordo("batches", "show", b.id().toString(), "--json");
        assertThat(json.out()).contains("\"batch_id\" : \"" + b.id() + "\"");
    }

    @Test
    void aBadIdIsAUsageErrorAndAnUnknownOneNotFound() {
        assertOneLineError(ordo("batches", "show", "nope"), Main.USAGE, "'nope' is not a batch id");
        Run r = ordo("batches", "show", "0190c5a0-0000-7000-8000-000000000000");
        assertThat(r.exit()).as(r.toString()).isNotZero();
        assertThat(r.err()).contains("not found");
        assertOneLineError(ordo("batches"), Main.USAGE, "missing subcommand");
    }
}
