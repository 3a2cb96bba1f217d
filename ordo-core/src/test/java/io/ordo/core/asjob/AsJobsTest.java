package io.ordo.core.asjob;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
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

/**
 * {@code @AsJob} end to end on a real node (in-memory store): proxy → store → worker → real method → result.
 * The fixture ({@link Docs}, whose job types are {@code AsJobsTest.Docs.*}) lives here; failures, timeouts,
 * expired results and refused calls are in {@link AsJobsFailuresTest}.
 */
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
        ordo = startNode(real);
        docs = AsJobs.proxy(ordo, Docs.class);
    }

    /** A started node (in-memory store) running {@code real} for {@link Docs}; shared with {@link AsJobsFailuresTest}. */
    static Ordo startNode(RealDocs real) {
        OrdoConfig config = OrdoConfig.defaults().storeUrl("memory:").queue("default", 8).queue("docs", 2)
                .cancelGrace(Duration.ofMillis(200)).maintenanceInterval(Duration.ofMillis(50))
                .pruneInterval(Duration.ofMillis(100), 1000).backoff(Duration.ofMillis(10), Duration.ofMillis(50));
        AsJobs.register(config, Docs.class, real);
        return Ordo.create(config).start();
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
    void payloadsAreKeyedByParameterName() {
        JsonNode payload = ordo.jobs().require(docs.add(1, 1).id()).payload();
        assertThat(payload.toString()).isEqualTo("{\"a\":1,\"b\":1}");
    }
}
