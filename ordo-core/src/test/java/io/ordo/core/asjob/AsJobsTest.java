package io.ordo.core.asjob;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code @AsJob} end to end on a real node (in-memory store): proxy → store → worker → real method → result. */
public class AsJobsTest {
    public record Doc(String title, List<String> lines) {
    }

    public record Summary(String title, int words, List<String> first) {
    }

    public interface Docs {
        @AsJob(queue = "docs", resultTtl = "1h", maxAttempts = 2)
        JobHandle<Summary> summarize(Doc doc, int maxWords);

        @AsJob
        JobHandle<List<Summary>> summarizeAll(List<Doc> docs);

        @AsJob
        JobHandle<Long> add(long a, long b);

        @AsJob
        JobHandle<Boolean> isEmpty(String text);

        @AsJob
        JobHandle<Map<String, Integer>> histogram(List<String> words);

        @AsJob(maxAttempts = 1)
        JobHandle<String> explode(String why);

        @AsJob(returnJobId = true)
        UUID reindex(String collection);

        @AsJob(returnJobId = true, type = "docs-touch")
        String touch(String name);

        @AsJob
        Job archive(String name);

        @AsJob
        void forget(String name);

        @AsJob(timeout = "300ms", maxAttempts = 1)
        JobHandle<String> block(String name);

        @AsJob(timeout = "200ms", maxAttempts = 1)
        JobHandle<String> stubborn(long millis);

        @AsJob(resultTtl = "1s")
        JobHandle<String> shortLived(String s);

        @AsJob
        JobHandle<String> gated(String s);

        @AsJob
        JobHandle<Void> steps(int n);

        @AsJob
        JobHandle<String> describe(Object anything);

        @AsJob(maxAttempts = 3)
        JobHandle<Integer> flaky(String key, int failures) throws java.io.IOException;

        @AsJob(maxAttempts = 3)
        JobHandle<String> refuse(String why);

        String notAJob(String s);

        default String greet(String who) {
            return "hello " + who;
        }

        default JobHandle<Long> addTwice(long a) {
            return add(a, a);
        }
    }

    /** The real implementation: records who ran what. */
    public static final class RealDocs implements Docs {
        final Map<String, String> calls = new ConcurrentHashMap<>();
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicBoolean blockInterrupted = new AtomicBoolean();
        final AtomicBoolean stubbornFinished = new AtomicBoolean();

        private void record(String what) {
            calls.put(what, Thread.currentThread().getName());
        }

        @Override
        public JobHandle<Summary> summarize(Doc doc, int maxWords) {
            record("summarize " + doc.title());
            List<String> words = doc.lines().stream().flatMap(l -> List.of(l.split(" ")).stream()).toList();
            return JobHandle.completed(new Summary(doc.title(), words.size(), words.subList(0, Math.min(maxWords, words.size()))));
        }

        @Override
        public JobHandle<List<Summary>> summarizeAll(List<Doc> docs) {
            return JobHandle.completed(docs.stream().map(d -> summarize(d, 1).await()).toList());
        }

        @Override
        public JobHandle<Long> add(long a, long b) {
            return JobHandle.completed(a + b);
        }

        @Override
        public JobHandle<Boolean> isEmpty(String text) {
            return JobHandle.completed(text == null || text.isEmpty());
        }

        @Override
        public JobHandle<Map<String, Integer>> histogram(List<String> words) {
            Map<String, Integer> m = new java.util.TreeMap<>();
            words.forEach(w -> m.merge(w, 1, Integer::sum));
            return JobHandle.completed(m);
        }

        @Override
        public JobHandle<String> explode(String why) {
            throw new IllegalStateException("boom: " + why);
        }

        @Override
        public UUID reindex(String collection) {
            record("reindex " + collection);
            return UUID.nameUUIDFromBytes(collection.getBytes());
        }

        @Override
        public String touch(String name) {
            return "touched " + name;
        }

        @Override
        public Job archive(String name) {
            record("archive " + name);
            return null;
        }

        @Override
        public void forget(String name) {
            record("forget " + name);
        }

        @Override
        public JobHandle<String> block(String name) {
            try {
                new CountDownLatch(1).await(); // blocks until interrupted
                return JobHandle.completed("never");
            } catch (InterruptedException e) {
                blockInterrupted.set(true);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public JobHandle<String> stubborn(long millis) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (System.nanoTime() < end) {
                try {
                    new CountDownLatch(1).await(end - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException ignored) {
                    // swallows the interrupt and carries on
                }
            }
            stubbornFinished.set(true);
            return JobHandle.completed("late");
        }

        @Override
        public JobHandle<String> shortLived(String s) {
            return JobHandle.completed("kept " + s);
        }

        @Override
        public JobHandle<String> gated(String s) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("gate interrupted", e);
            }
            return JobHandle.completed("through " + s);
        }

        @Override
        public JobHandle<Void> steps(int n) {
            for (int i = 1; i <= n; i++) {
                AsJobs.context().progress(i, n, "step " + i);
            }
            AsJobs.context().info("did " + n + " steps");
            return null;
        }

        @Override
        public JobHandle<String> describe(Object anything) {
            return JobHandle.completed(String.valueOf(anything));
        }

        final Map<String, Integer> attempts = new ConcurrentHashMap<>();

        @Override
        public JobHandle<Integer> flaky(String key, int failures) throws java.io.IOException {
            int n = attempts.merge(key, 1, Integer::sum);
            if (n <= failures) throw new java.io.IOException("attempt " + n + " failed");
            return JobHandle.completed(n);
        }

        @Override
        public JobHandle<String> refuse(String why) {
            throw new io.ordo.core.handler.PermanentFailure("refused: " + why);
        }

        @Override
        public String notAJob(String s) {
            return "local " + s;
        }
    }

    static RealDocs real;
    static Ordo ordo;
    static Docs docs;

    @BeforeAll
    static void start() {
        real = new RealDocs();
        OrdoConfig config = OrdoConfig.defaults().storeUrl("memory:").queue("default", 8).queue("docs", 2)
                .cancelGrace(Duration.ofMillis(200)).maintenanceInterval(Duration.ofMillis(50))
                .pruneInterval(Duration.ofMillis(100), 1000).backoff(Duration.ofMillis(10), Duration.ofMillis(50));
        AsJobs.register(config, Docs.class, real);
        ordo = Ordo.create(config).start();
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
    void theProxyEnqueuesTheArgumentsAndTheWorkerRunsTheRealMethod() {
        Doc doc = new Doc("Ordo", List.of("durable jobs", "for the JVM"));
        JobHandle<Summary> h = docs.summarize(doc, 3);

        Job stored = ordo.jobs().require(h.id());
        assertThat(stored.type()).isEqualTo("AsJobsTest.Docs.summarize");
        assertThat(stored.queue()).isEqualTo("docs");
        assertThat(stored.maxAttempts()).isEqualTo(2);
        assertThat(stored.resultTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(stored.timeout()).isNull();
        assertThat(stored.payload()).isEqualTo(Json.parse(
                "{\"doc\": {\"title\": \"Ordo\", \"lines\": [\"durable jobs\", \"for the JVM\"]}, \"maxWords\": 3}"));

        Summary s = h.await(Duration.ofSeconds(10));
        assertThat(s).isEqualTo(new Summary("Ordo", 5, List.of("durable", "jobs", "for")));
        assertThat(real.calls.get("summarize Ordo")).startsWith("ordo-job-" + h.id());
        Job done = h.job();
        assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.result()).isEqualTo(Json.MAPPER.valueToTree(s));
        assertThat(done.resultExpiresAt()).isAfter(done.finishedAt().plus(Duration.ofMinutes(59)));
        assertThat(h.isDone()).isTrue();
    }

    @Test
    void resultsComeBackTyped() {
        JobHandle<List<Summary>> all = docs.summarizeAll(List.of(new Doc("a", List.of("x y")), new Doc("b", List.of("z"))));
        JobHandle<Long> sum = docs.add(40, 2);
        JobHandle<Boolean> empty = docs.isEmpty("");
        JobHandle<Map<String, Integer>> histo = docs.histogram(List.of("a", "b", "a"));

        assertThat(all.await(Duration.ofSeconds(10))).containsExactly(new Summary("a", 2, List.of("x")), new Summary("b", 1, List.of("z")));
        assertThat(all.await(Duration.ofSeconds(10)).get(0)).isInstanceOf(Summary.class);
        assertThat(sum.await(Duration.ofSeconds(10))).isEqualTo(42L);
        assertThat(empty.await(Duration.ofSeconds(10))).isTrue();
        assertThat(histo.await(Duration.ofSeconds(10))).isEqualTo(Map.of("a", 2, "b", 1));
        assertThat(docs.steps(3).await(Duration.ofSeconds(10))).isNull();
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
    void aCompletedValueHasNoJob() {
        JobHandle<String> v = JobHandle.completed("v");
        assertThat(v.await()).isEqualTo("v");
        assertThat(v.isDone()).isTrue();
        assertThatThrownBy(v::id).isInstanceOf(IllegalStateException.class).hasMessageContaining("has no job");
    }

    @Test
    void returnJobIdGivesTheIdAndTheResultStaysReadable() {
        UUID id = docs.reindex("books");
        String text = docs.touch("readme");

        assertThat(AsJobs.handle(ordo, id, UUID.class).await(Duration.ofSeconds(10))).isEqualTo(UUID.nameUUIDFromBytes("books".getBytes()));
        assertThat(real.calls).containsKey("reindex books");
        UUID touched = UUID.fromString(text);
        assertThat(ordo.jobs().require(touched).type()).isEqualTo("docs-touch");
        assertThat(AsJobs.handle(ordo, touched, String.class).await(Duration.ofSeconds(10))).isEqualTo("touched readme");
    }

    @Test
    void jobAndVoidReturnTypes() {
        Job job = docs.archive("2024");
        assertThat(job.type()).isEqualTo("AsJobsTest.Docs.archive");
        assertThat(job.payload()).isEqualTo(Json.parse("{\"name\": \"2024\"}"));
        assertThat(awaitEnded(job.id()).status()).isEqualTo(JobStatus.COMPLETED);

        docs.forget("me");
        await().atMost(Duration.ofSeconds(10)).until(() -> real.calls.containsKey("forget me"));
        List<Job> forgets = ordo.jobs().list(JobFilter.ALL.withType("AsJobsTest.Docs.forget"), null).items();
        assertThat(forgets).hasSize(1);
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
        assertThat(real.stubbornFinished).isTrue();
        assertThat(h.job().result()).isNull();
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
    void progressAndLogsThroughTheContext() {
        JobHandle<Void> h = docs.steps(4);
        assertThat(h.await(Duration.ofSeconds(10))).isNull();
        Job j = h.job();
        assertThat(j.progressCurrent()).isEqualTo(4);
        assertThat(j.progressTotal()).isEqualTo(4);
        assertThat(j.progressText()).isEqualTo("step 4");
        assertThat(ordo.jobs().logs(h.id(), 0, 10)).extracting(l -> l.message()).contains("did 4 steps");
        assertThatThrownBy(AsJobs::context).isInstanceOf(IllegalStateException.class);
        assertThat(AsJobs.currentContext()).isEmpty();
    }

    @Test
    void objectAndDefaultMethodsBehave() {
        Docs other = AsJobs.proxy(ordo, Docs.class);
        assertThat(docs.toString()).isEqualTo("AsJobs.proxy(" + Docs.class.getName() + ") on node " + ordo.config().nodeId());
        assertThat(docs).isEqualTo(docs).isNotEqualTo(other);
        assertThat(docs.hashCode()).isEqualTo(docs.hashCode());
        assertThat(Set.of(docs, other)).hasSize(2);

        assertThat(docs.greet("ada")).isEqualTo("hello ada");
        assertThat(docs.addTwice(21).await(Duration.ofSeconds(10))).isEqualTo(42L);
        assertThatThrownBy(() -> docs.notAJob("x"))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("Docs.notAJob(String) is not an @AsJob method: the proxy only enqueues jobs; call it on the implementation");
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

    @Test
    void payloadsAreKeyedByParameterName() {
        JsonNode payload = ordo.jobs().require(docs.add(1, 1).id()).payload();
        assertThat(payload.toString()).isEqualTo("{\"a\":1,\"b\":1}");
    }
}
