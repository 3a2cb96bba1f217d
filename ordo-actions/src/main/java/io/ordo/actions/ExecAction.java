package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.handler.JobCancelledException;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.model.LogLevel;
import io.ordo.core.util.Durations;
import io.ordo.core.util.Json;

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
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code exec} step: runs a command as a subprocess of the node running the step (no shell).
 * Each stdout line goes to the step's log at info, each stderr line at warn, as they come. Exit
 * code 0 completes the step with {@code {exit_code, stdout_tail}}; any other code fails it with the
 * code and the last stderr lines. Cancelling the step, the {@code timeout}, or the step's own timeout
 * kill the whole process tree.
 *
 * <p>Config: {@code command} (required: argv list, the first element the executable),
 * {@code cwd}, {@code env} (object, added to the node's environment), {@code inherit_env} (true;
 * false starts from an empty environment plus PATH), {@code timeout} (none: the step's timeout applies).
 *
 * <p>Disabled unless allowed: {@link #allowing(List)} names the executables that may run, exactly as
 * they are written in {@code command[0]} (a bare name such as {@code git}, looked up on the node's
 * PATH — not on one set through {@code env} — or an absolute path).
 */
public final class ExecAction implements StepAction {
    private static final Set<String> FIELDS = Set.of("command", "cwd", "env", "inherit_env", "timeout");
    static final int TAIL_LINES = 50;
    static final int MAX_LINE = 4000;
    static final int MAX_LOGGED_LINES = 10_000;

    private final List<String> allowed;

    private ExecAction(List<String> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** An exec action that may run these executables (and nothing else). */
    public static ExecAction allowing(List<String> executables) {
        for (String e : executables) {
            if (e == null || e.isBlank()) throw new IllegalArgumentException("an allowed executable must not be blank");
        }
        return new ExecAction(executables);
    }

    /** An exec action that refuses every command (the step fails validation with how to allow it). */
    public static ExecAction disabled() {
        return new ExecAction(List.of());
    }

    public List<String> allowed() {
        return allowed;
    }

    @Override
    public String name() {
        return "exec";
    }

    private record Spec(List<String> command, String cwd, Map<String, String> env, boolean inheritEnv, Duration timeout) {
    }

    @Override
    public void validate(JsonNode config) {
        spec(config);
    }

    private Spec spec(JsonNode config) {
        ActionConfig c = new ActionConfig(config).only(FIELDS);
        if (!c.has("command")) throw ActionConfig.bad("command", "required (an argv list such as [\"git\", \"pull\"])");
        if (!c.raw().get("command").isArray()) {
            throw ActionConfig.bad("command", "must be a list of arguments such as [\"git\", \"pull\"] (no shell is used)");
        }
        List<String> command = c.strings("command");
        if (command.isEmpty() || command.get(0).isBlank()) throw ActionConfig.bad("command", "must name an executable first");
        String exe = command.get(0);
        if (allowed.isEmpty()) {
            throw ActionConfig.bad("command", "the exec action is disabled on this node: no executable is allowed (to run '" + exe
                    + "', start 'ordo server' or 'ordo worker' with --allow-exec " + exe
                    + ", or in Java register the action as ExecAction.allowing(List.of(\"" + exe + "\")))");
        }
        if (!allowed.contains(exe) && !ActionConfig.hasRef(exe)) {
            throw ActionConfig.bad("command[0]", "executable '" + exe + "' is not allowed on this node (allowed: " + allowed
                    + "); to allow it, add --allow-exec " + exe + " to 'ordo server' / 'ordo worker', or add \"" + exe
                    + "\" to the list given to ExecAction.allowing(...)");
        }
        String cwd = c.text("cwd", null);
        Map<String, String> env = c.stringMap("env");
        boolean inherit = c.bool("inherit_env", true);
        Duration timeout = c.duration("timeout", null);
        return new Spec(command, cwd, env, inherit, timeout);
    }

    @Override
    public Object run(StepContext ctx) throws Exception {
        Spec s = spec(ctx.config());
        List<String> argv = new ArrayList<>(s.command());
        argv.set(0, resolve(argv.get(0)));
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (s.cwd() != null) {
            File dir = new File(s.cwd());
            if (!dir.isDirectory()) throw ActionConfig.bad("cwd", "'" + s.cwd() + "' is not a directory on this node");
            pb.directory(dir);
        }
        if (!s.inheritEnv()) {
            String path = pb.environment().get("PATH");
            pb.environment().clear();
            if (path != null) pb.environment().put("PATH", path);
        }
        pb.environment().putAll(s.env());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new PermanentFailure("exec: cannot start " + s.command() + ": " + e.getMessage(), e);
        }
        p.getOutputStream().close(); // no stdin
        ctx.info("started pid " + p.pid() + ": " + s.command());
        Tail out = new Tail();
        Tail err = new Tail();
        Thread outPump = Thread.ofVirtual().name("exec-out-" + p.pid()).start(() -> pump(ctx, p.getInputStream(), LogLevel.INFO, out));
        Thread errPump = Thread.ofVirtual().name("exec-err-" + p.pid()).start(() -> pump(ctx, p.getErrorStream(), LogLevel.WARN, err));
        long deadline = s.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + s.timeout().toNanos();
        try {
            while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (ctx.isCancelled()) {
                    killTree(p);
                    throw new JobCancelledException(ctx.id());
                }
                if (System.nanoTime() > deadline) {
                    killTree(p);
                    drain(outPump, errPump);
                    throw new PermanentFailure("exec: " + s.command() + " timed out after " + Durations.format(s.timeout())
                            + "; process tree killed" + lastLines(err));
                }
            }
        } catch (InterruptedException e) {
            killTree(p);
            throw e;
        }
        drain(outPump, errPump);
        int code = p.exitValue();
        if (code != 0) {
            throw new PermanentFailure("exec: " + s.command() + " exited with code " + code + lastLines(err));
        }
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("exit_code", code);
        result.put("stdout_tail", out.text());
        return result;
    }

    /** A bare name is looked up on this JVM's PATH (an env PATH of the step cannot redirect it); paths are kept. */
    static String resolve(String exe) {
        if (exe.contains("/") || exe.contains(File.separator)) return exe;
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path candidate = Path.of(dir, exe);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return candidate.toString();
            }
        }
        throw new PermanentFailure("exec: executable '" + exe + "' not found on this node's PATH");
    }

    private static String lastLines(Tail err) {
        String t = err.text();
        if (t.length() > 2000) t = "…" + t.substring(t.length() - 2000);
        return t.isBlank() ? "" : "; last stderr lines:\n" + t;
    }

    /** The output threads end when the pipes close; a grandchild holding them open is not waited for long. */
    private static void drain(Thread... pumps) throws InterruptedException {
        for (Thread t : pumps) t.join(2000);
    }

    /** Kills the process and every descendant (snapshotted before the parent dies, then once more). */
    static void killTree(Process p) {
        List<ProcessHandle> kids = p.descendants().toList();
        p.destroyForcibly();
        for (ProcessHandle k : kids) {
            List<ProcessHandle> grand = k.descendants().toList();
            k.destroyForcibly();
            grand.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static void pump(StepContext ctx, InputStream in, LogLevel level, Tail tail) {
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
}
