package io.ordo.actions;

import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.util.Json;
import io.ordo.core.util.Uuids;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class MaintenanceActionTest extends ActionTestSupport {

    private UUID insert(JobStatus status, Instant createdAt, Instant runAt) {
        NewJob n = new NewJob(Uuids.v7(), "noop", "default", 0, Json.MAPPER.createObjectNode(), status, 1, runAt, null, null, null,
                null, null, 0, null, null, null, List.of(), null, null, createdAt);
        return store.insert(List.of(n), new InsertOptions(Map.of())).get(0).job().id();
    }

    @Test
    void prunesOldTerminalJobsAndKeepsLiveAndRecentOnes() {
        // the engine's own pruning must not do the work here: retention far away
        node(c -> c.retention(Duration.ofDays(3650)), new MaintenanceAction(() -> ordo.store()));
        Instant now = Instant.now();
        Instant old = now.minus(Duration.ofDays(30));
        UUID oldCompleted1 = insert(JobStatus.COMPLETED, old, old);
        UUID oldCompleted2 = insert(JobStatus.COMPLETED, old.plusSeconds(5), old);
        UUID oldSkipped = insert(JobStatus.SKIPPED, old, old);
        UUID oldLive = insert(JobStatus.SCHEDULED, old, now.plus(Duration.ofDays(1)));
        UUID recent = insert(JobStatus.COMPLETED, now.minus(Duration.ofHours(1)), now);

        Job run = run(step("clean", "maintenance", cfg(Map.of("older_than", "7d", "batch_size", 2))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        Job step = stepJob(run, "clean");
        assertThat(step.result().path("pruned").asLong()).isEqualTo(3);
        assertThat(step.result().path("optimized").asBoolean()).isTrue();
        assertThat(ordo.jobs().get(oldCompleted1)).isEmpty();
        assertThat(ordo.jobs().get(oldCompleted2)).isEmpty();
        assertThat(ordo.jobs().get(oldSkipped)).isEmpty();
        assertThat(ordo.jobs().get(oldLive)).isPresent();
        assertThat(ordo.jobs().get(recent)).isPresent();
        assertThat(logs(step.id())).anyMatch(l -> l.message().equals("3 job(s) pruned"));
    }

    @Test
    void defaultAgeIsSevenDays() {
        node(c -> c.retention(Duration.ofDays(3650)), new MaintenanceAction(() -> ordo.store()));
        Instant now = Instant.now();
        UUID eightDays = insert(JobStatus.COMPLETED, now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(8)));
        UUID sixDays = insert(JobStatus.COMPLETED, now.minus(Duration.ofDays(6)), now.minus(Duration.ofDays(6)));
        Job run = run(step("clean", "maintenance", cfg("{}")));
        assertThat(stepJob(run, "clean").result().path("pruned").asLong()).isEqualTo(1);
        assertThat(ordo.jobs().get(eightDays)).isEmpty();
        assertThat(ordo.jobs().get(sixDays)).isPresent();
    }
}
