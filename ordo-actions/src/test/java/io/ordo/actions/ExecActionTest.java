package io.ordo.actions;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.definition.StepDefinition;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.LogLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ExecActionTest extends ActionTestSupport {
    @TempDir
    Path tmp;

    private Job exec(Job run) {
        return stepJob(run, "cmd");
    }

    @Test
    void runsACommandWithItsOutputInTheJobLog() {
        node(ExecAction.allowing(List.of("sh")));
        Job run = run(step("cmd", "exec", cfg(Map.of(
                "command", List.of("sh", "-c", "echo hello $GREETING; echo oops >&2; pwd"),
                "env", Map.of("GREETING", "world"), "cwd", tmp.toString()))));
        assertThat(run.status()).isEqualTo(JobStatus.COMPLETED);
        Job step = exec(run);
        assertThat(step.result().path("exit_code").asInt()).isZero();
        assertThat(step.result().path("stdout_tail").asText()).isEqualTo("hello world\n" + real(tmp));
        List<JobLog> logs = logs(step.id());
        assertThat(logs).anyMatch(l -> l.level() == LogLevel.INFO && l.message().equals("hello world"));
        assertThat(logs).anyMatch(l -> l.level() == LogLevel.WARN && l.message().equals("oops"));
    }

    @Test
    void nonZeroExitFailsTheStepWithTheCodeAndLastStderrLines() {
        node(ExecAction.allowing(List.of("sh")));
        Job run = run(step("cmd", "exec", cfg(Map.of("command", List.of("sh", "-c", "echo first >&2; echo it broke >&2; exit 3")))));
        assertThat(run.status()).isEqualTo(JobStatus.FAILED);
        Job step = exec(run);
        assertThat(step.status()).isEqualTo(JobStatus.FAILED);
        assertThat(step.error()).contains("exited with code 3").contains("first\nit broke");
        assertThat(step.attempt()).isEqualTo(1);
    }

    @Test
    void anExecutableNotAllowedIsRefused() {
        node(ExecAction.allowing(List.of("sh")));
        // refused before the run starts: the definition is validated with the node's actions
        assertThatThrownBy(() -> run(step("cmd", "exec", cfg(Map.of("command", List.of("rm", "-rf", tmp.resolve("x").toString()))))))
                .isInstanceOf(io.ordo.core.definition.DefinitionException.class)
                .hasMessageContaining("steps.cmd.config.command[0]: executable 'rm' is not allowed").hasMessageContaining("ExecAction.allowing")
                .hasMessageContaining("--allow-exec rm");
        assertThat(tmp.resolve("x")).doesNotExist();

        assertThatThrownBy(() -> ExecAction.allowing(List.of("sh")).validate(cfg(Map.of("command", List.of("/bin/sh", "-c", "true")))))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'/bin/sh' is not allowed");
        assertThatThrownBy(() -> ExecAction.disabled().validate(cfg(Map.of("command", List.of("ls")))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("config.command: the exec action is disabled on this node")
                .hasMessageContaining("--allow-exec ls")
                .hasMessageContaining("ExecAction.allowing(List.of(\"ls\"))");
    }

    @Test
    void timeoutKillsTheProcessTree() throws Exception {
        node(ExecAction.allowing(List.of("sh")));
        Path pidFile = tmp.resolve("pid");
        long t0 = System.nanoTime();
        Job run = run(step("cmd", "exec", cfg(Map.of(
                "command", List.of("sh", "-c", "sleep 30 & echo $! > " + pidFile + "; wait"), "timeout", "700ms"))));
        assertThat(run.status()).isEqualTo(JobStatus.FAILED);
        assertThat(exec(run).error()).contains("timed out after 700ms").contains("process tree killed");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
        assertGone(Long.parseLong(Files.readString(pidFile).trim()));
    }

    @Test
    void theStepTimeoutKillsTheProcessTree() throws Exception {
        node(ExecAction.allowing(List.of("sh")));
        Path pidFile = tmp.resolve("pids");
        StepDefinition s = step("cmd", "exec", cfg(Map.of("command", List.of("sh", "-c", "sleep 30 & echo $! >> " + pidFile + "; wait"))));
        s = new StepDefinition(s.name(), s.action(), s.config(), s.depends(), false, null, null, Duration.ofMillis(700), null, null, null, null);
        Job run = run(s);
        assertThat(run.status()).isEqualTo(JobStatus.FAILED);
        assertThat(exec(run).error()).contains("timed out");
        // (the engine currently retries a step job that timed out: one sleep per attempt)
        for (String pid : Files.readAllLines(pidFile)) assertGone(Long.parseLong(pid.trim()));
    }

    @Test
    void cancellingTheRunKillsTheProcessTree() throws Exception {
        node(ExecAction.allowing(List.of("sh")));
        Path pidFile = tmp.resolve("pid");
        Job run = start(step("cmd", "exec", cfg(Map.of("command", List.of("sh", "-c", "sleep 30 & echo $! > " + pidFile + "; wait")))));
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ordo.jobs().cancel(run.id());
        Job ended = awaitEnd(run);
        assertThat(ended.status()).isEqualTo(JobStatus.CANCELLED);
        assertGone(pid);
    }

    private static String real(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertGone(long pid) {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            return h.isEmpty() || !h.get().isAlive();
        });
    }
}
