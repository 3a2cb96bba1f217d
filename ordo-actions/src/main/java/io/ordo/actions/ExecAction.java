package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.util.Json;

import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    private final List<String> allowed;

    private ExecAction(List<String> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** An exec action that may run these executables (and nothing else). */
    public static ExecAction allowing(List<String> executables) {
        return new ExecAction(Subprocess.allowList(executables));
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
        Subprocess.checkAllowed(allowed, command, "exec", "ExecAction.allowing", "command");
        String cwd = c.text("cwd", null);
        Map<String, String> env = c.stringMap("env");
        boolean inherit = c.bool("inherit_env", true);
        Duration timeout = c.duration("timeout", null);
        return new Spec(command, cwd, env, inherit, timeout);
    }

    @Override
    public Object run(StepContext ctx) throws Exception {
        Spec s = spec(ctx.config());
        File dir = null;
        if (s.cwd() != null) {
            dir = new File(s.cwd());
            if (!dir.isDirectory()) throw ActionConfig.bad("cwd", "'" + s.cwd() + "' is not a directory on this node");
        }
        long deadline = s.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + s.timeout().toNanos();
        Subprocess.Outcome o = Subprocess.run(ctx, Subprocess.resolved(s.command(), "exec"), dir, s.env(), s.inheritEnv(), deadline,
                s.timeout(), "exec: " + s.command());
        if (o.exitCode() != 0) {
            throw new PermanentFailure("exec: " + s.command() + " exited with code " + o.exitCode() + o.lastErrLines());
        }
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.put("exit_code", o.exitCode());
        result.put("stdout_tail", o.stdoutTail());
        return result;
    }
}
