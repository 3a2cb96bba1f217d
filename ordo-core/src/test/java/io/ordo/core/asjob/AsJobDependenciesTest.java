package io.ordo.core.asjob;

import io.ordo.core.Ordo;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code @AsJob} calls that depend on other jobs: {@link AsJobs#after}. */
class AsJobDependenciesTest {
    static AsJobsTest.RealDocs real;
    static Ordo ordo;
    static AsJobsTest.Docs docs;

    @BeforeAll
    static void start() {
        real = new AsJobsTest.RealDocs();
        ordo = AsJobsTest.startNode(real);
        docs = AsJobs.proxy(ordo, AsJobsTest.Docs.class);
    }

    @AfterAll
    static void stop() {
        real.gate.countDown();
        ordo.close();
    }

    private static Job job(UUID id) {
        return ordo.jobs().require(id);
    }

    @Test
    void aCallInsideAfterWaitsForTheGivenJobs() {
        JobHandle<String> first = docs.gated("first");
        JobHandle<Long> sum = AsJobs.after(first).call(() -> docs.add(3, 4));
        JobHandle<Long> outside = docs.add(1, 1);
        assertThat(job(sum.id()).status()).isEqualTo(JobStatus.WAITING);
        assertThat(job(sum.id()).meta().get("depends_on").get(0).asText()).isEqualTo(first.id().toString());
        assertThat(outside.await(Duration.ofSeconds(10))).as("only calls inside after() wait").isEqualTo(2L);
        assertThat(job(sum.id()).status()).isEqualTo(JobStatus.WAITING);
        real.gate.countDown();
        assertThat(sum.await(Duration.ofSeconds(10))).isEqualTo(7L);
        assertThat(job(sum.id()).startedAt()).isAfterOrEqualTo(job(first.id()).finishedAt());
    }

    @Test
    void aFailedDependencySkipsTheCallUnlessRunOnFailure() {
        JobHandle<String> boom = docs.explode("on purpose");
        JobHandle<Long> skipped = AsJobs.after(boom).call(() -> docs.add(1, 2));
        UUID cleanup = AsJobs.after(boom.id()).runOnFailure().call(() -> docs.reindex("all"));
        await().atMost(Duration.ofSeconds(10)).until(() -> job(skipped.id()).status() == JobStatus.SKIPPED);
        assertThat(job(skipped.id()).error()).isEqualTo("dependency " + boom.id() + " failed");
        assertThatThrownBy(() -> skipped.await(Duration.ofSeconds(5))).isInstanceOf(AsJobException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> job(cleanup).status() == JobStatus.COMPLETED);
    }

    @Test
    void afterNeedsAJob() {
        assertThatThrownBy(() -> AsJobs.after(new UUID[0])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
    }
}
