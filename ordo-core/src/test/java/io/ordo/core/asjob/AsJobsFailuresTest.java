package io.ordo.core.asjob;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.asjob.AsJobsTest.Docs;
import io.ordo.core.asjob.AsJobsTest.RealDocs;
import io.ordo.core.asjob.AsJobsTest.Summary;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code @AsJob} when things go wrong, on a node of its own (in-memory store): failed and retried jobs,
 * timeouts, expired results, waits that give up, cancelled jobs, payloads and arguments that are refused.
 * The fixture ({@link Docs}, job types {@code AsJobsTest.Docs.*}) is {@link AsJobsTest}'s.
 */
class AsJobsFailuresTest {
    static RealDocs real;
    static Ordo ordo;
    static Docs docs;

    @BeforeAll
    static void start() {
        real = new RealDocs();
        ordo = AsJobsTest.startNode(real);
        docs = AsJobs.proxy(ordo, Docs.class);
    }

    @AfterAll
    static void stop() {
        real.gate.countDown();
        ordo.close();
    }

    static Job awaitEnded(UUID id) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> ordo.jobs().require(id), Job::isTerminal);
    }

    @Test
    void aFailureCarriesTheJobsError() {
        JobHandle<String> h = docs.explode("no disk");

        assertThatThrownBy(() -> h.await(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(JobFailedException.class, e -> {
                    assertThat(e.status()).isEqualTo(JobStatus.FAILED);
                    assertThat(e.reason()).isEqualTo(AttemptError.ERROR);
                    assertThat(e.error()).isEqualTo("IllegalStateException: boom: no disk");
                    assertThat(e.attempts()).hasSize(1);
                    assertThat(e.job().id()).isEqualTo(h.id());
                    assertThat(e.code()).isEqualTo("job_failed");
                })
                .hasMessage("job " + h.id() + " (AsJobsTest.Docs.explode) failed after 1 attempt (error): IllegalStateException: boom: no disk");
    }

    @Test
    void retriesAreWaitedThroughAndPermanentFailuresAreNotRetried() throws Exception {
        JobHandle<Integer> flaky = docs.flaky("k", 2);
        assertThat(flaky.await(Duration.ofSeconds(10))).isEqualTo(3);
        assertThat(flaky.job().errors()).extracting(AttemptError::message).containsExactly("IOException: attempt 1 failed", "IOException: attempt 2 failed");

        JobHandle<String> refused = docs.refuse("no");
        assertThatThrownBy(() -> refused.await(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(JobFailedException.class, e -> {
                    assertThat(e.error()).isEqualTo("refused: no");
                    assertThat(e.attempts()).hasSize(1);
                });
    }

    @Test
    void aResultOfAnotherShapeAndAnInterruptedWaitAreReported() {
        JobHandle<Long> sum = docs.add(1, 2);
        assertThat(sum.await(Duration.ofSeconds(10))).isEqualTo(3L);
        assertThatThrownBy(() -> AsJobs.handle(ordo, sum.id(), Summary.class).await())
                .isInstanceOfSatisfying(AsJobException.class, e -> assertThat(e.code()).isEqualTo("result_mismatch"))
                .hasMessageStartingWith("the result of job " + sum.id() + " (AsJobsTest.Docs.add) does not fit " + Summary.class.getName());

        JobHandle<String> gated = docs.gated("interrupt");
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(gated::await)
                    .isInstanceOfSatisfying(AsJobException.class, e -> assertThat(e.code()).isEqualTo("interrupted"));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        gated.cancel();
    }

    @Test
    void theTimeoutInterruptsABlockingCallAndFailsTheJobWithReasonTimeout() {
        JobHandle<String> h = docs.block("x");

        assertThatThrownBy(() -> h.await(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(JobFailedException.class, e -> {
                    assertThat(e.reason()).isEqualTo(AttemptError.TIMEOUT);
                    assertThat(e.error()).isEqualTo("timed out after 300ms");
                    assertThat(e.status()).isEqualTo(JobStatus.FAILED);
                });
        assertThat(real.blockInterrupted).isTrue();
        Job j = h.job();
        assertThat(j.timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(Duration.between(j.startedAt(), j.finishedAt())).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
    }

    @Test
    void aCallThatIgnoresTheInterruptAndReturnsLateStillTimesOut() {
        JobHandle<String> h = docs.stubborn(600);

        assertThatThrownBy(() -> h.await(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(JobFailedException.class, e -> assertThat(e.reason()).isEqualTo(AttemptError.TIMEOUT));
        // the attempt fails a cancel grace after the timeout, while the call still runs; its late return is refused
        await().atMost(Duration.ofSeconds(5)).until(() -> real.stubbornFinished.get());
        assertThat(h.job().result()).isNull();
        assertThat(h.job().status()).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void anExpiredResultIsReportedNotReturnedAsNull() {
        JobHandle<String> h = docs.shortLived("a");
        Job done = awaitEnded(h.id());
        assertThat(done.resultExpiresAt()).isEqualTo(done.finishedAt().plus(Duration.ofSeconds(1)));

        // the engine clears it once the TTL has passed
        await().atMost(Duration.ofSeconds(10)).until(() -> ordo.jobs().require(h.id()).result() == null);
        assertThatThrownBy(h::await)
                .isInstanceOfSatisfying(ResultExpiredException.class, e -> {
                    assertThat(e.expiredAt()).isEqualTo(done.resultExpiresAt());
                    assertThat(e.code()).isEqualTo("result_expired");
                })
                .hasMessageContaining("job " + h.id() + " (AsJobsTest.Docs.shortLived) completed at ")
                .hasMessageContaining("but its result expired at " + done.resultExpiresAt() + " (result TTL 1s)");
    }

    @Test
    void theResultTtlAppliesToJobsSubmittedWithoutTheProxy() {
        // e.g. POST /api/jobs {"type": "AsJobsTest.Docs.shortLived", "payload": {"s": "b"}}: no result_ttl in the request
        Job job = ordo.jobs().submit(JobRequest.of("AsJobsTest.Docs.shortLived").payload(Map.of("s", "b")));
        assertThat(job.resultTtl()).isNull();
        Job done = awaitEnded(job.id());
        assertThat(done.resultExpiresAt()).isBetween(done.finishedAt().plusMillis(500), done.finishedAt().plusSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> ordo.jobs().require(job.id()).result() == null);
        assertThatThrownBy(() -> AsJobs.handle(ordo, job.id(), String.class).await()).isInstanceOf(ResultExpiredException.class);
    }

    @Test
    void waitingGivesUpAfterItsTimeoutAndCancellingEndsTheJob() throws Exception {
        JobHandle<String> h = docs.gated("c");
        await().atMost(Duration.ofSeconds(10)).until(() -> h.job().status() == JobStatus.RUNNING);

        assertThatThrownBy(() -> h.await(Duration.ofMillis(100)))
                .isInstanceOfSatisfying(AwaitTimeoutException.class, e -> {
                    assertThat(e.waited()).isEqualTo(Duration.ofMillis(100));
                    assertThat(e.job().status()).isEqualTo(JobStatus.RUNNING);
                })
                .hasMessage("job " + h.id() + " (AsJobsTest.Docs.gated) is still running after waiting 100ms");

        h.cancel();
        assertThatThrownBy(() -> h.await(Duration.ofSeconds(10)))
                .isInstanceOfSatisfying(JobFailedException.class, e -> {
                    assertThat(e.status()).isEqualTo(JobStatus.CANCELLED);
                    assertThat(e.code()).isEqualTo("job_cancelled");
                })
                .hasMessageStartingWith("job " + h.id() + " (AsJobsTest.Docs.gated) was cancelled");
    }

    @Test
    void payloadsThatDoNotFitTheMethodAreRefusedAtSubmit() {
        String type = "AsJobsTest.Docs.summarize";
        assertThatThrownBy(() -> ordo.jobs().submit(JobRequest.of(type).payload(Map.of("doc", "text", "maxWords", 1))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith(type + ": parameter 'doc' does not fit AsJobsTest.Doc: ");
        assertThatThrownBy(() -> ordo.jobs().submit(JobRequest.of(type).payload(Map.of("doc", Map.of("title", "t")))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(type + ": parameter 'maxWords' (int) is required");
        assertThatThrownBy(() -> ordo.jobs().submit(JobRequest.of(type).payload(Map.of("maxWords", 1, "extra", true))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(type + ": unknown field 'extra'; the parameters are [doc, maxWords]");
        assertThatThrownBy(() -> ordo.jobs().submit(JobRequest.of(type).payload(List.of(1, 2))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(type + ": the payload must be a JSON object of the parameters [doc, maxWords] (got array)");
    }

    @Test
    void argumentsThatCannotBeWrittenAsJsonAreRefusedBeforeAnythingIsStored() {
        long before = ordo.jobs().stats().total();
        assertThatThrownBy(() -> docs.describe(new Object()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("Docs.describe(Object): argument 'anything' cannot be written as JSON: No serializer found for class java.lang.Object");
        assertThat(ordo.jobs().stats().total()).isEqualTo(before);
        assertThat(docs.describe(Map.of("k", List.of(1))).await(Duration.ofSeconds(10))).isEqualTo("{k=[1]}");
    }

    @Test
    void aProxyNeedsTheTypesOnItsNodeOrAClientNodeThatAcceptsUnknownTypes() {
        try (Ordo bare = Ordo.create(OrdoConfig.defaults().storeUrl("memory:").workers(false))) {
            assertThatThrownBy(() -> AsJobs.proxy(bare, Docs.class))
                    .isInstanceOf(InvalidAsJobException.class)
                    .hasMessageContaining("job type 'AsJobsTest.Docs.add' has no handler on this node: register the implementation with "
                            + "AsJobs.register(config, Docs.class, impl) before Ordo.create");
        }
        try (Ordo client = Ordo.create(OrdoConfig.defaults().store(ordo.store()).workers(false).acceptUnknownTypes(true))) {
            Docs remote = AsJobs.proxy(client, Docs.class);
            assertThat(remote.add(1, 2).await(Duration.ofSeconds(10))).isEqualTo(3L); // run by the worker node
        }
    }

    @Test
    void theImplementationMayNotBeAProxy() {
        assertThatThrownBy(() -> AsJobs.register(OrdoConfig.defaults(), Docs.class, docs))
                .isInstanceOf(InvalidAsJobException.class)
                .hasMessageContaining("the implementation is an AsJobs proxy");
    }
}
