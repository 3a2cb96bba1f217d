package io.ordo.core.engine.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.memory.InMemoryJobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Process-isolated jobs on an in-memory node: each runs in a real child JVM (the test classpath). */
class ProcessIsolationTest {
    private final InMemoryJobStore store = new InMemoryJobStore();
    private final List<Ordo> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        nodes.reversed().forEach(Ordo::close);
        store.close();
    }

    private Ordo node(Consumer<OrdoConfig> tune) {
        OrdoConfig c = OrdoConfig.defaults().store(store).queue("default", 4)
                .lease(Duration.ofSeconds(5), Duration.ofSeconds(1))
                .maintenanceInterval(Duration.ofMillis(100)).poll(Duration.ofMillis(100))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .cancelGrace(Duration.ofMillis(500)).shutdownGrace(Duration.ofSeconds(1))
                .handler(new ChildHandlers.Report()).handler(new ChildHandlers.Hang()).handler(new ChildHandlers.Crash())
                .isolate("iso.hang", "iso.crash");
        tune.accept(c);
        Ordo o = Ordo.create(c);
        nodes.add(o);
        return o.start();
    }

    private Job awaitStatus(Ordo o, UUID id, JobStatus status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> o.jobs().require(id).status() == status);
        return o.jobs().require(id);
    }

    private static List<String> logLines(Ordo o, UUID id) {
        return o.jobs().logs(id, 0, 100).stream().map(l -> l.level() + " " + l.message()).toList();
    }

    /** The child's pid, from the line the Hang handler logs first. */
    private static long childPid(Ordo o, UUID id) {
        await().atMost(Duration.ofSeconds(15)).until(() -> logLines(o, id).stream().anyMatch(l -> l.startsWith("INFO pid=")));
        String line = logLines(o, id).stream().filter(l -> l.startsWith("INFO pid=")).findFirst().orElseThrow();
        return Long.parseLong(line.substring("INFO pid=".length()));
    }

    private static void awaitGone(long pid) {
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    @Test
    void anIsolatedJobCompletesWithItsResultLogsAndProgressFromAnotherProcess() {
        Ordo o = node(c -> { });
        Job job = o.jobs().submit(JobRequest.of("iso.report").payload(Map.of("name", "ada")));
        Job done = awaitStatus(o, job.id(), JobStatus.COMPLETED);
        JsonNode r = done.result();
        assertThat(r.path("pid").asLong()).isPositive().isNotEqualTo(ProcessHandle.current().pid());
        assertThat(r.path("job").asText()).isEqualTo(job.id().toString());
        assertThat(r.path("attempt").asInt()).isEqualTo(1);
        assertThat(r.path("name").asText()).isEqualTo("ada");
        assertThat(r.path("queue").asText()).isEqualTo("default");
        assertThat(logLines(o, job.id())).containsExactly("INFO hello from the child", "WARN a warning");
        assertThat(done.progressCurrent()).isEqualTo(2);
        assertThat(done.progressTotal()).isEqualTo(2);
        assertThat(done.progressText()).isEqualTo("done");
        assertThat(done.errors()).isEmpty();
        assertThat(ProcessHandle.of(r.path("pid").asLong()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aResultSavedInTheChildIsStoredWithItsTtl() {
        Ordo o = node(c -> { });
        Job done = awaitStatus(o, o.jobs().submit(JobRequest.of("iso.crash").payload(Map.of("how", "save"))).id(), JobStatus.COMPLETED);
        assertThat(done.result().toString()).isEqualTo("{\"saved\":42}");
        assertThat(done.resultExpiresAt()).isBetween(java.time.Instant.now().plus(Duration.ofMinutes(50)), java.time.Instant.now().plus(Duration.ofMinutes(61)));
        var saved = o.jobs().results(done.id(), null, 10).items();
        assertThat(saved).extracting(io.ordo.core.model.SavedResult::title).containsExactly(null, "first page");
        assertThat(saved.get(1).reference()).isEqualTo("https://example.test/1");
        assertThat(saved.get(0).expiresAt()).isNotNull();
    }

    @Test
    void aCancelledJobsChildIsKilledWhenItIgnoresTheCancel() {
        Ordo o = node(c -> { });
        Job job = o.jobs().submit(JobRequest.of("iso.hang").payload(Map.of("cooperative", false)));
        long pid = childPid(o, job.id());
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        o.jobs().cancel(job.id());
        awaitStatus(o, job.id(), JobStatus.CANCELLED);
        awaitGone(pid);
    }

    @Test
    void aCancelReachesTheChildsHandler() {
        Ordo o = node(c -> c.cancelGrace(Duration.ofSeconds(10)));
        Job job = o.jobs().submit(JobRequest.of("iso.hang").payload(Map.of("cooperative", true)));
        long pid = childPid(o, job.id());
        o.jobs().cancel(job.id());
        awaitStatus(o, job.id(), JobStatus.CANCELLED);
        // well inside the 10 s grace: the handler saw isCancelled() and returned
        assertThat(logLines(o, job.id())).contains("INFO saw the cancel");
        awaitGone(pid);
    }

    @Test
    void aNodeShuttingDownKillsTheChildAndHandsTheJobBack() {
        Ordo o = node(c -> { });
        Job job = o.jobs().submit(JobRequest.of("iso.hang").payload(Map.of("cooperative", false)));
        long pid = childPid(o, job.id());
        o.close(); // shutdown grace 1 s, then the hand-back
        awaitGone(pid);
        Job back = store.get(job.id()).orElseThrow();
        assertThat(back.status()).isEqualTo(JobStatus.PENDING);
        assertThat(back.errors()).singleElement().satisfies(e -> assertThat(e.reason()).isEqualTo(AttemptError.SHUTDOWN));
    }

    @Test
    void aTimedOutJobsChildIsKilledAndTheAttemptEndsAsATimeout() {
        Ordo o = node(c -> { });
        Job job = o.jobs().submit(JobRequest.of("iso.hang").payload(Map.of("cooperative", false))
                .timeout(Duration.ofSeconds(8)).maxAttempts(1));
        long pid = childPid(o, job.id());
        Job failed = awaitStatus(o, job.id(), JobStatus.FAILED);
        assertThat(failed.errors()).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(AttemptError.TIMEOUT);
            assertThat(e.message()).isEqualTo("timed out after 8s");
        });
        awaitGone(pid);
    }

    @Test
    void aChildThatExitsNonZeroFailsTheAttemptWithItsExitCodeAndIsRetried() {
        Ordo o = node(c -> { });
        Job job = o.jobs().submit(JobRequest.of("iso.crash").payload(Map.of("how", "exit", "code", 3)).maxAttempts(2));
        Job failed = awaitStatus(o, job.id(), JobStatus.FAILED);
        assertThat(failed.attempt()).isEqualTo(2);
        assertThat(failed.errors()).hasSize(2).allSatisfy(e -> {
            assertThat(e.reason()).isEqualTo(AttemptError.ERROR);
            assertThat(e.message()).startsWith("child process exited with code 3").contains("about to fail: exit");
        });
        Job halted = awaitStatus(o, o.jobs().submit(JobRequest.of("iso.crash").payload(Map.of("how", "halt", "code", 137)).maxAttempts(1)).id(),
                JobStatus.FAILED);
        assertThat(halted.error()).startsWith("child process exited with code 137");
        Job silent = awaitStatus(o, o.jobs().submit(JobRequest.of("iso.crash").payload(Map.of("how", "exit", "code", 0)).maxAttempts(1)).id(),
                JobStatus.FAILED);
        assertThat(silent.error()).startsWith("child process exited with code 0 without a result; last stderr lines: about to fail: exit");
    }

    @Test
    void aHandlerFailureInTheChildReadsAsInProcessAndKeepsItsRetrySemantics() {
        Ordo o = node(c -> { });
        Job thrown = awaitStatus(o, o.jobs().submit(JobRequest.of("iso.crash").payload(Map.of("how", "throw")).maxAttempts(2)).id(), JobStatus.FAILED);
        assertThat(thrown.errors()).hasSize(2).allSatisfy(e ->
                assertThat(e.message()).isEqualTo("IllegalStateException: boom (caused by IOException: disk gone)"));
        Job permanent = awaitStatus(o, o.jobs().submit(JobRequest.of("iso.crash").payload(Map.of("how", "permanent")).maxAttempts(3)).id(), JobStatus.FAILED);
        assertThat(permanent.errors()).singleElement().satisfies(e -> assertThat(e.message()).isEqualTo("bad input, no retry"));
        Job spawn = awaitStatus(o, o.jobs().submit(JobRequest.of("iso.crash").payload(Map.of("how", "spawn")).maxAttempts(1)).id(), JobStatus.FAILED);
        assertThat(spawn.error()).startsWith("UnsupportedOperationException: spawn() is not available to a process-isolated job (type 'iso.crash')");
    }

    @Test
    void aChildJvmThatCannotStartFailsTheAttemptClearly() {
        JobHandler broken = new IsolatedHandler(new io.ordo.core.handler.builtin.NoopHandler(), new ChildJvm("/no/such/java", List.of()),
                Duration.ofSeconds(1));
        Ordo o = node(c -> c.handler(broken));
        Job failed = awaitStatus(o, o.jobs().submit(JobRequest.of("noop").maxAttempts(1)).id(), JobStatus.FAILED);
        assertThat(failed.error()).startsWith("cannot start the child JVM (/no/such/java): ");
    }

    @Test
    void isolatingATypeWithoutAHandlerOrWithAHandlerTheChildCannotCreateIsRefused() {
        assertThatThrownBy(() -> Ordo.create(OrdoConfig.defaults().store(store).isolate("nope")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage("cannot isolate job type 'nope': this node has no job handler for it (job handlers: fail, noop, sleep)");
        JobHandler anonymous = new JobHandler() {
            @Override
            public String type() {
                return "anon";
            }

            @Override
            public Object run(JobContext ctx) {
                return null;
            }
        };
        assertThatThrownBy(() -> Ordo.create(OrdoConfig.defaults().store(store).handler(anonymous).isolate("anon")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("job type 'anon' runs in a child process, but its handler")
                .hasMessageContaining("it is an anonymous, local or lambda class");
        assertThatThrownBy(() -> Ordo.create(OrdoConfig.defaults().store(store).handler(new ChildHandlers.NeedsArgument("args")).isolate("args")))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(ChildHandlers.NeedsArgument.class.getName() + " cannot be created there: it has no no-arg constructor");
    }

    @Test
    void aBuiltinTypeCanBeIsolatedByConfiguration() {
        Ordo o = node(c -> c.isolate("sleep"));
        Job done = awaitStatus(o, o.jobs().submit(JobRequest.of("sleep").payload(Map.of("ms", 10))).id(), JobStatus.COMPLETED);
        assertThat(done.result().path("slept_ms").asLong()).isEqualTo(10);
    }
}
