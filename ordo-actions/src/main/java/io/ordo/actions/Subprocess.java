package io.ordo.actions;

import io.ordo.core.handler.JobCancelledException;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.model.LogLevel;
import io.ordo.core.util.Durations;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Subprocesses of the {@code exec} and {@code git} actions: the executable allow-list, and one run
 * of a command without a shell whose stdout lines go to the job's log at info and stderr lines at
 * warn as they come. Cancelling the job or passing the deadline kills the whole process tree.
 */
final class Subprocess {
    static final int TAIL_LINES = 50;
    static final int MAX_LINE = 4000;
    static final int MAX_LOGGED_LINES = 10_000;

    private Subprocess() {
    }

    /**
     * Checks {@code command[0]} against the executables a node allows, exactly as written.
     *
     * @param action   the action's name, for the messages ("exec", "git")
     * @param javaHint how to allow it in Java, e.g. {@code ExecAction.allowing}
     * @param field    the config field holding the command
     */
    static void checkAllowed(List<String> allowed, List<String> command, String action, String javaHint, String field) {
        if (command.isEmpty() || command.get(0).isBlank()) throw ActionConfig.bad(field, "must name an executable first");
        String exe = command.get(0);
        if (allowed.isEmpty()) {
            throw ActionConfig.bad(field, "the " + action + " action is disabled on this node: no executable is allowed (to run '" + exe
                    + "', start 'ordo server' or 'ordo worker' with --allow-exec " + exe
                    + ", or in Java register the action as " + javaHint + "(List.of(\"" + exe + "\")))");
        }
        if (!allowed.contains(exe) && !ActionConfig.hasRef(exe)) {
            throw ActionConfig.bad(field + "[0]", "executable '" + exe + "' is not allowed on this node (allowed: " + allowed
                    + "); to allow it, add --allow-exec " + exe + " to 'ordo server' / 'ordo worker', or add \"" + exe
                    + "\" to the list given to " + javaHint + "(...)");
        }
    }

    /** Refuses a blank or empty executable in a list given to {@code allowing(...)}. */
    static List<String> allowList(List<String> executables) {
        for (String e : executables) {
            if (e == null || e.isBlank()) throw new IllegalArgumentException("an allowed executable must not be blank");
        }
        return List.copyOf(executables);
    }

    /** A bare name is looked up on this JVM's PATH (an env PATH of the step cannot redirect it); paths are kept. */
    static String resolve(String exe, String action) {
        if (exe.contains("/") || exe.contains(File.separator)) return exe;
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path candidate = Path.of(dir, exe);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate.toString();
            }
        }
        throw new PermanentFailure(action + ": executable '" + exe + "' not found on this node's PATH");
    }

    /** How a process ended: its exit code and the last lines of its output. */
    record Outcome(int exitCode, String stdoutTail, String stderrTail) {
        /** "; last stderr lines:\n…" or "" (at most 2,000 characters, for error messages). */
        String lastErrLines() {
            return lastLines(stderrTail);
        }
    }

    /**
     * Runs {@code argv} (its first element already resolved) to its end.
     *
     * @param label          how messages name the process, e.g. {@code "exec: [make, all]"}
     * @param env            added to the environment
     * @param inheritEnv     false: start from an empty environment plus PATH
     * @param deadlineNanos  {@link System#nanoTime()} at which it is killed; {@link Long#MAX_VALUE} for none
     * @param timeout        what the deadline stands for, for the message
     * @throws PermanentFailure      when it cannot start or runs past the deadline (tree killed)
     * @throws JobCancelledException when the job is cancelled (tree killed)
     */
    static Outcome run(JobContext ctx, List<String> argv, File cwd, Map<String, String> env, boolean inheritEnv,
                       long deadlineNanos, Duration timeout, String label) throws InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (cwd != null) pb.directory(cwd);
        if (!inheritEnv) {
            String path = pb.environment().get("PATH");
            pb.environment().clear();
            if (path != null) pb.environment().put("PATH", path);
        }
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new PermanentFailure(label + ": cannot start: " + e.getMessage(), e);
        }
        try {
            p.getOutputStream().close(); // no stdin
        } catch (IOException ignored) {
            // the process already ended
        }
        ctx.info("started pid " + p.pid() + ": " + label);
        Tail out = new Tail();
        Tail err = new Tail();
        Thread outPump = Thread.ofVirtual().name("proc-out-" + p.pid()).start(() -> pump(ctx, p.getInputStream(), LogLevel.INFO, out));
        Thread errPump = Thread.ofVirtual().name("proc-err-" + p.pid()).start(() -> pump(ctx, p.getErrorStream(), LogLevel.WARN, err));
        try {
            while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (ctx.isCancelled()) {
                    killTree(p);
                    throw new JobCancelledException(ctx.id());
                }
                if (System.nanoTime() > deadlineNanos) {
                    killTree(p);
                    drain(outPump, errPump);
                    throw new PermanentFailure(label + " timed out after " + Durations.format(timeout)
                            + "; process tree killed" + lastLines(err.text()));
                }
            }
        } catch (InterruptedException e) {
            killTree(p);
            throw e;
        }
        drain(outPump, errPump);
        return new Outcome(p.exitValue(), out.text(), err.text());
    }

    private static String lastLines(String t) {
        if (t.length() > 2000) t = "…" + t.substring(t.length() - 2000);
        return t.isBlank() ? "" : "; last stderr lines:\n" + t;
    }

    /** The output threads end when the pipes close; a grandchild holding them open is not waited for long. */
    private static void drain(Thread... pumps) throws InterruptedException {
        for (Thread t : pumps) t.join(2000);
    }

    /**
     * Kills the process and every descendant (snapshotted before the parent dies, then once more),
     * and waits briefly for them to be gone, so that a directory they wrote to can be deleted next.
     */
    static void killTree(Process p) {
        List<ProcessHandle> kids = p.descendants().toList();
        List<ProcessHandle> all = new ArrayList<>(kids);
        p.destroyForcibly();
        for (ProcessHandle k : kids) {
            List<ProcessHandle> grand = k.descendants().toList();
            k.destroyForcibly();
            grand.forEach(ProcessHandle::destroyForcibly);
            all.addAll(grand);
        }
        all.add(p.toHandle());
        long until = System.nanoTime() + 2_000_000_000L;
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return; // not gone within the bound: the caller goes on regardless
            }
        }
    }

    private static void pump(JobContext ctx, InputStream in, LogLevel level, Tail tail) {
        int logged = 0;
        boolean logging = true;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.length() > MAX_LINE) line = line.substring(0, MAX_LINE) + "…";
                tail.add(line);
                if (!logging) continue;
                try {
                    if (logged++ < MAX_LOGGED_LINES) {
                        ctx.log(level, line);
                    } else {
                        ctx.log(LogLevel.WARN, "more than " + MAX_LOGGED_LINES + " lines on " + (level == LogLevel.INFO ? "stdout" : "stderr")
                                + "; the rest is not logged");
                        logging = false;
                    }
                } catch (RuntimeException e) {
                    logging = false; // lease lost or store unavailable: keep draining the pipe
                }
            }
        } catch (IOException e) {
            // the process was killed or the pipe closed
        }
    }

    /** The last {@value #TAIL_LINES} lines of a stream. */
    static final class Tail {
        private final Deque<String> lines = new ArrayDeque<>();

        synchronized void add(String line) {
            lines.addLast(line);
            if (lines.size() > TAIL_LINES) lines.removeFirst();
        }

        synchronized String text() {
            return String.join("\n", lines);
        }
    }

    /** Copies {@code argv} with its first element resolved on the PATH. */
    static List<String> resolved(List<String> argv, String action) {
        List<String> out = new ArrayList<>(argv);
        out.set(0, resolve(out.get(0), action));
        return out;
    }
}
