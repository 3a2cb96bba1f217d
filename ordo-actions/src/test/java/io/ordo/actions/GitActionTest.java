package io.ordo.actions;

import io.ordo.core.definition.DefinitionException;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.LogLevel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The git action against a repository the test creates (file://), with its temporary directories under {@link #work}. */
class GitActionTest extends ActionTestSupport {
    @TempDir
    Path tmp;
    Path repo;
    Path work;
    String url;
    String v1;
    String head;

    @BeforeEach
    void makeRepository() throws Exception {
        repo = Files.createDirectory(tmp.resolve("repo"));
        work = Files.createDirectory(tmp.resolve("work"));
        url = repo.toUri().toString(); // file:///...
        git("init", "-q", "-b", "main");
        Files.writeString(repo.resolve("hello.txt"), "hello from v1\n");
        git("add", "hello.txt");
        git("commit", "-q", "-m", "first");
        git("tag", "v1");
        v1 = git("rev-parse", "HEAD");
        git("checkout", "-q", "-b", "feature");
        Files.writeString(repo.resolve("hello.txt"), "hello from feature\n");
        git("commit", "-q", "-am", "feature work");
        git("checkout", "-q", "main");
        Files.writeString(repo.resolve("hello.txt"), "hello from main\n");
        git("commit", "-q", "-am", "second");
        head = git("rev-parse", "HEAD");
    }

    private String git(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("git", "-c", "user.name=Test", "-c", "user.email=test@example.com",
                "-c", "commit.gpgsign=false", "-C", repo.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as("git %s: %s", List.of(args), out).isZero();
        return out;
    }

    private GitAction action(String... allowed) {
        return GitAction.allowing(List.of(allowed)).allowFileUrls(true).workDir(work);
    }

    private Job git(Map<String, ?> config) {
        return stepJob(run(step("build", "git", cfg(config))), "build");
    }

    /** Every temporary clone was deleted. */
    private void assertCleanedUp() {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (Stream<Path> s = Files.list(work)) {
                return s.findAny().isEmpty();
            }
        });
    }

    @Test
    void clonesTheDefaultBranchAndRunsTheCommandWithItsOutputInTheLog() {
        node(action("cat"));
        Job step = git(Map.of("url", url, "command", List.of("cat", "hello.txt")));
        assertThat(step.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(step.result().path("commit").asText()).isEqualTo(head);
        assertThat(step.result().path("stdout_tail").asText()).isEqualTo("hello from main");
        assertThat(step.result().path("exit_code").asInt()).isZero();
        List<JobLog> logs = logs(step.id());
        assertThat(logs).anyMatch(l -> l.level() == LogLevel.INFO && l.message().equals("hello from main"));
        assertThat(logs).anyMatch(l -> l.message().startsWith("cloning " + url + " (default branch) into " + work));
        assertCleanedUp();
    }

    @Test
    void clonesABranchATagOrACommit() {
        node(action("cat"));
        Job branch = git(Map.of("url", url, "ref", "feature", "command", List.of("cat", "hello.txt")));
        assertThat(branch.result().path("stdout_tail").asText()).isEqualTo("hello from feature");
        Job tag = git(Map.of("url", url, "ref", "v1", "command", List.of("cat", "hello.txt")));
        assertThat(tag.result().path("stdout_tail").asText()).isEqualTo("hello from v1");
        assertThat(tag.result().path("commit").asText()).isEqualTo(v1);
        Job commit = git(Map.of("url", url, "ref", v1, "command", List.of("cat", "hello.txt")));
        assertThat(commit.status()).as(commit.error()).isEqualTo(JobStatus.COMPLETED);
        assertThat(commit.result().path("stdout_tail").asText()).isEqualTo("hello from v1");
        assertThat(commit.result().path("commit").asText()).isEqualTo(v1);
        assertCleanedUp();
    }

    @Test
    void aCommandNotAllowedIsRefusedBeforeAnythingIsCloned() {
        node(action("cat"));
        assertThatThrownBy(() -> run(step("build", "git", cfg(Map.of("url", url, "command", List.of("sh", "-c", "touch " + tmp.resolve("x")))))))
                .isInstanceOf(DefinitionException.class)
                .hasMessageContaining("steps.build.config.command[0]: executable 'sh' is not allowed on this node (allowed: [cat])")
                .hasMessageContaining("GitAction.allowing");
        assertThat(tmp.resolve("x")).doesNotExist();
        assertCleanedUp();
    }

    @Test
    void fileUrlsAreRefusedUnlessTheNodeAllowsThem() {
        node(GitAction.allowing(List.of("cat")).workDir(work));
        assertThatThrownBy(() -> run(step("build", "git", cfg(Map.of("url", url, "command", List.of("cat", "hello.txt"))))))
                .isInstanceOf(DefinitionException.class)
                .hasMessageContaining("steps.build.config.url: file:// URLs are not allowed on this node");
    }

    @Test
    void anUnknownRefFailsTheStepAndCleansUp() {
        node(action("cat"));
        Job step = git(Map.of("url", url, "ref", "no-such-branch", "command", List.of("cat", "hello.txt")));
        assertThat(step.status()).isEqualTo(JobStatus.FAILED);
        assertThat(step.error()).contains("git: clone of no-such-branch of " + url + " failed (exit code 128)")
                .contains("no-such-branch not found");
        assertThat(step.attempt()).isEqualTo(1);
        assertCleanedUp();
    }

    @Test
    void aFailingCommandFailsTheStepAndCleansUp() {
        node(action("sh"));
        Job step = git(Map.of("url", url, "command", List.of("sh", "-c", "echo broken >&2; exit 3")));
        assertThat(step.status()).isEqualTo(JobStatus.FAILED);
        assertThat(step.error()).contains("exited with code 3").contains("at " + head).contains("broken");
        assertCleanedUp();
    }

    @Test
    void theTimeoutKillsTheCommandAndCleansUp() throws Exception {
        node(action("sh"));
        Path pidFile = tmp.resolve("pid");
        Job step = git(Map.of("url", url, "timeout", "5s", "command", List.of("sh", "-c", "echo $$ > " + pidFile + "; sleep 30")));
        assertThat(step.status()).isEqualTo(JobStatus.FAILED);
        assertThat(step.error()).contains("timed out after 5s").contains("process tree killed");
        assertGone(Long.parseLong(Files.readString(pidFile).trim()));
        assertCleanedUp();
    }

    @Test
    void cancellingTheRunKillsTheCommandAndCleansUp() throws Exception {
        node(action("sh"));
        Path pidFile = tmp.resolve("pid");
        Job run = start(step("build", "git", cfg(Map.of("url", url, "command", List.of("sh", "-c", "echo $$ > " + pidFile + "; sleep 30")))));
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(pidFile) && !Files.readString(pidFile).isBlank());
        try (Stream<Path> s = Files.list(work)) {
            assertThat(s.count()).isEqualTo(1); // the clone the command runs in
        }
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ordo.jobs().cancel(run.id());
        assertThat(awaitEnd(run).status()).isEqualTo(JobStatus.CANCELLED);
        assertGone(pid);
        assertCleanedUp();
    }

    @Test
    void aHostTheNetworkPolicyDeniesIsRefusedBeforeCloning() {
        node(GitAction.allowing(List.of("cat")).networkPolicy(NetworkPolicy.strict()).workDir(work));
        Job step = git(Map.of("url", "https://127.0.0.1:9/repo.git", "command", List.of("cat", "hello.txt")));
        assertThat(step.status()).isEqualTo(JobStatus.FAILED);
        assertThat(step.error()).contains("git: https://127.0.0.1:9/repo.git refused").contains("127.0.0.0/8");
        assertCleanedUp();
    }

    @Test
    void aPasswordInTheUrlIsNotShown() {
        assertThat(GitAction.redact("https://bot:s3cret@example.com/o/r.git")).isEqualTo("https://bot:***@example.com/o/r.git");
        assertThat(GitAction.redact("https://example.com/o/r.git")).isEqualTo("https://example.com/o/r.git");
    }

    private static void assertGone(long pid) {
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            return h.isEmpty() || !h.get().isAlive();
        });
    }
}
