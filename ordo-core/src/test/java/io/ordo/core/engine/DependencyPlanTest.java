package io.ordo.core.engine;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.DependsOn;
import io.ordo.core.util.Json;
import io.ordo.core.util.Uuids;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a batch's {@code depends_on} becomes waiting jobs and dependency rows: order, references, refusals. */
class DependencyPlanTest {
    private static final Instant NOW = Instant.parse("2031-01-01T00:00:00Z");

    private static List<NewJob> built(int n) {
        List<NewJob> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new NewJob(Uuids.v7(), "noop", "default", 0, Json.MAPPER.createObjectNode(), JobStatus.PENDING, 1, NOW, null,
                    null, null, null, null, 0, null, null, null, List.of(), null, null, NOW));
        }
        return out;
    }

    @Test
    void itemsBecomeIdsDependantsWaitAndComeAfterTheirDependencies() {
        UUID stored = Uuids.v7();
        // item 0 depends on item 2, which depends on a stored job: 2 must be evaluated first
        List<JobRequest> r = List.of(JobRequest.of("noop").dependsOnItems(2), JobRequest.of("noop"),
                JobRequest.of("noop").dependsOn(stored).runOnFailure(true));
        List<NewJob> b = built(3);
        DependencyPlan p = DependencyPlan.of(r, b);
        assertThat(p.jobs()).extracting(NewJob::status).containsExactly(JobStatus.WAITING, JobStatus.PENDING, JobStatus.WAITING);
        assertThat(p.deps()).extracting(DependsOn::jobId).containsExactly(b.get(2).id(), b.get(0).id());
        assertThat(p.deps().get(1).on()).containsExactly(b.get(2).id());
        assertThat(p.deps().get(0).runOnFailure()).isTrue();
        assertThat(p.jobs().get(2).meta().get("depends_on").get(0).asText()).isEqualTo(stored.toString());
        assertThat(p.jobs().get(2).meta().get("run_on_failure").asBoolean()).isTrue();
        assertThat(p.jobs().get(0).toJob().startedAt()).as("a dependant has not started").isNull();
    }

    @Test
    void aBatchWithoutDependenciesIsLeftAsItIs() {
        List<NewJob> b = built(2);
        DependencyPlan p = DependencyPlan.of(List.of(JobRequest.of("noop"), JobRequest.of("noop")), b);
        assertThat(p.deps()).isEmpty();
        assertThat(p.jobs()).isEqualTo(b);
    }

    @Test
    void cyclesSelfReferencesAndBadItemsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> DependencyPlan.of(List.of(JobRequest.of("a").dependsOnItems(1), JobRequest.of("b").dependsOnItems(2),
                JobRequest.of("c").dependsOnItems(0)), built(3)))
                .isInstanceOf(InvalidRequestException.class).hasMessage("jobs[0].depends_on: dependency cycle #0 -> #1 -> #2 -> #0");
        assertThatThrownBy(() -> DependencyPlan.of(List.of(JobRequest.of("a"), JobRequest.of("b").dependsOnItems(1)), built(2)))
                .hasMessage("jobs[1].depends_on: a job cannot depend on itself (#1)");
        assertThatThrownBy(() -> DependencyPlan.of(List.of(JobRequest.of("a").dependsOnItems(5)), built(1)))
                .hasMessage("depends_on: #5 is not an item of this batch (0-0)");
        assertThatThrownBy(() -> DependencyPlan.of(List.of(JobRequest.of("a").runOnFailure(true)), built(1)))
                .hasMessage("run_on_failure: only with depends_on");
        assertThatThrownBy(() -> DependencyPlan.of(List.of(JobRequest.of("a").dependsOn(Uuids.v7()).delay(java.time.Duration.ofSeconds(5))), built(1)))
                .hasMessage("depends_on: cannot be combined with run_at or delay");
    }

    @Test
    void aChainOfTenThousandItemsIsOrderedWithoutRecursion() {
        int n = 10_000;
        List<JobRequest> r = new ArrayList<>();
        // each item depends on the next: the evaluation order is the reverse of the batch
        for (int i = 0; i < n; i++) r.add(i == n - 1 ? JobRequest.of("noop") : JobRequest.of("noop").dependsOnItems(i + 1));
        List<NewJob> b = built(n);
        DependencyPlan p = DependencyPlan.of(r, b);
        assertThat(p.deps()).hasSize(n - 1);
        assertThat(p.deps().get(0).jobId()).isEqualTo(b.get(n - 2).id());
        assertThat(p.deps().get(n - 2).jobId()).isEqualTo(b.get(0).id());
    }
}
