package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.action.StepAction;
import io.ordo.core.action.StepContext;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.util.Json;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code git} step: clones a repository into a fresh temporary directory, runs one allowed
 * command in it as a subprocess, and deletes the directory whatever happened (success, failure,
 * timeout, cancel). Every job gets its own clone and its own processes: nothing is shared between
 * jobs. git's and the command's output go to the step's log line by line (stdout at info, stderr
 * at warn). Result: {@code {url, ref, commit, exit_code, stdout_tail}}.
 *
 * <p>Config: {@code url} (required: {@code https://} or {@code ssh://}; {@code file://} only on a
 * node that allows it), {@code ref} (a branch or tag, or a full commit id; default the remote's
 * default branch), {@code command} (required argv, no shell; {@code command[0]} must be allowed
 * exactly as for {@code exec}), {@code env} (added to the command's environment), {@code timeout}
 * (clone and command together; default none: the step's timeout applies).
 *
 * <p>git runs without a shell, with user text never in an option's place ({@code --} before the URL,
 * and a URL or ref starting with {@code -} is refused), without prompts, with only the allowed
 * transports ({@code GIT_ALLOW_PROTOCOL}, which also covers submodules) and without following HTTP
 * redirects. The host of an https/ssh URL is checked against the node's {@link NetworkPolicy}
 * before cloning; git resolves it again itself, so unlike http/crawl this check has a DNS window.
 */
public final class GitAction implements StepAction {
    private static final Set<String> FIELDS = Set.of("url", "ref", "command", "env", "timeout");
    /** Branch and tag names git accepts, less the rarely used characters; never starting with '-'. */
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._/+-]*");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private final List<String> allowed;
    private final NetworkPolicy policy;
    private final boolean fileUrls;
    private final Path workDir;
    private final String git;

    private GitAction(List<String> allowed, NetworkPolicy policy, boolean fileUrls, Path workDir, String git) {
        this.allowed = allowed;
        this.policy = policy;
        this.fileUrls = fileUrls;
        this.workDir = workDir;
        this.git = git;
    }

    /** A git action that may run these executables in the clone (the same rules as {@link ExecAction#allowing}). */
    public static GitAction allowing(List<String> executables) {
        return new GitAction(Subprocess.allowList(executables), NetworkPolicy.defaults(), false, null, "git");
    }

    /** A git action that refuses every step (the step fails validation with how to allow its command). */
    public static GitAction disabled() {
        return allowing(List.of());
    }

    /** A copy whose https/ssh hosts are checked against this policy (default {@link NetworkPolicy#defaults()}). */
    public GitAction networkPolicy(NetworkPolicy policy) {
        return new GitAction(allowed, policy, fileUrls, workDir, git);
    }

    /** A copy that also clones {@code file://} URLs (repositories on this node's disk): off by default. */
    public GitAction allowFileUrls(boolean allow) {
        return new GitAction(allowed, policy, allow, workDir, git);
    }

    /** A copy that makes its temporary directories under {@code dir} (default the JVM's temporary directory). */
    public GitAction workDir(Path dir) {
        return new GitAction(allowed, policy, fileUrls, dir, git);
    }

    /** A copy that runs this git executable (default {@code git} on the node's PATH). */
    public GitAction gitExecutable(String executable) {
        return new GitAction(allowed, policy, fileUrls, workDir, executable);
    }

    public List<String> allowed() {
        return allowed;
    }

    @Override
    public String name() {
        return "git";
    }

    private record Spec(String url, String ref, List<String> command, Map<String, String> env, Duration timeout) {
    }

    @Override
    public void validate(JsonNode config) {
        spec(config);
    }

    private Spec spec(JsonNode config) {
        ActionConfig c = new ActionConfig(config).only(FIELDS);
        String url = c.requiredText("url").trim();
        checkUrl(url);
        String ref = c.text("ref", null);
        if (ref != null) {
            ref = ref.trim();
            if (!ActionConfig.hasRef(ref) && (!REF.matcher(ref).matches() || ref.contains("..") || ref.endsWith(".lock") || ref.endsWith("/"))) {
                throw ActionConfig.bad("ref", "'" + ref + "' is not a branch, tag or full commit id (letters, digits and . _ / + -, not starting with - )");
            }
        }
        if (!c.has("command")) throw ActionConfig.bad("command", "required (an argv list run in the clone, such as [\"make\", \"test\"])");
        if (!c.raw().get("command").isArray()) {
            throw ActionConfig.bad("command", "must be a list of arguments such as [\"make\", \"test\"] (no shell is used)");
        }
        List<String> command = c.strings("command");
        Subprocess.checkAllowed(allowed, command, "git", "GitAction.allowing", "command");
        return new Spec(url, ref, command, c.stringMap("env"), c.duration("timeout", null));
    }

    /** https and ssh URLs; file only when allowed. Nothing that git could read as an option. */
    private void checkUrl(String url) {
        if (ActionConfig.hasRef(url)) return;
        if (url.startsWith("-")) throw ActionConfig.bad("url", "must not start with '-'");
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw ActionConfig.bad("url", "'" + url + "' is not a valid URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "https", "ssh" -> {
                if (u.getHost() == null || u.getHost().isEmpty()) throw ActionConfig.bad("url", "'" + redact(url) + "' has no host");
            }
            case "file" -> {
                if (!fileUrls) {
                    throw ActionConfig.bad("url", "file:// URLs are not allowed on this node (in Java: GitAction...allowFileUrls(true))");
                }
                if (u.getPath() == null || u.getPath().isEmpty()) throw ActionConfig.bad("url", "'" + url + "' has no path");
            }
            default -> throw ActionConfig.bad("url", "'" + redact(url) + "' must be an https:// or ssh:// URL"
                    + (fileUrls ? " (or file://)" : "") + "; scp-like user@host:path is not accepted, write ssh://user@host/path");
        }
    }

    @Override
    public Object run(StepContext ctx) throws Exception {
        Spec s = spec(ctx.config());
        long deadline = s.timeout() == null ? Long.MAX_VALUE : System.nanoTime() + s.timeout().toNanos();
        URI uri = URI.create(s.url());
        if (uri.getHost() != null && !uri.getScheme().equalsIgnoreCase("file")) {
            try {
                policy.resolve(uri.getHost());
            } catch (NetworkPolicy.DeniedAddressException e) {
                throw new PermanentFailure("git: " + redact(s.url()) + " refused: " + e.getMessage(), e);
            } catch (UnknownHostException e) {
                throw new PermanentFailure("git: unknown host " + uri.getHost(), e);
            }
        }
        Path dir = workDir == null ? Files.createTempDirectory("ordo-git-") : Files.createTempDirectory(workDir, "ordo-git-");
        try {
            String at = s.ref() == null ? "default branch" : s.ref();
            ctx.info("cloning " + redact(s.url()) + " (" + at + ") into " + dir);
            clone(ctx, s, dir, deadline);
            String commit = git(ctx, List.of("-C", dir.toString(), "rev-parse", "HEAD"), deadline, s, "rev-parse").stdoutTail().strip();
            Subprocess.Outcome o = Subprocess.run(ctx, Subprocess.resolved(s.command(), "git"), dir.toFile(), s.env(), true, deadline,
                    s.timeout(), "git: " + s.command());
            if (o.exitCode() != 0) {
                throw new PermanentFailure("git: " + s.command() + " exited with code " + o.exitCode() + " in " + redact(s.url())
                        + " at " + commit + o.lastErrLines());
            }
            ObjectNode result = Json.MAPPER.createObjectNode();
            result.put("url", redact(s.url()));
            result.put("ref", s.ref());
            result.put("commit", commit);
            result.put("exit_code", o.exitCode());
            result.put("stdout_tail", o.stdoutTail());
            return result;
        } finally {
            deleteTree(dir);
        }
    }

    private void clone(StepContext ctx, Spec s, Path dir, long deadline) throws InterruptedException {
        String ref = s.ref();
        if (ref != null && COMMIT.matcher(ref).matches()) {
            // a commit id is not a --branch: fetch just that commit into an empty repository
            git(ctx, List.of("init", "-q", "--", dir.toString()), deadline, s, "init");
            git(ctx, List.of("-C", dir.toString(), "fetch", "-q", "--depth", "1", "--", s.url(), ref), deadline, s, "fetch of " + ref);
            git(ctx, List.of("-C", dir.toString(), "-c", "advice.detachedHead=false", "checkout", "-q", "--detach", "FETCH_HEAD"),
                    deadline, s, "checkout of " + ref);
            return;
        }
        List<String> args = new ArrayList<>(List.of("clone", "-q", "--depth", "1", "--no-recurse-submodules"));
        if (ref != null) args.addAll(List.of("--branch", ref));
        args.addAll(List.of("--", s.url(), dir.toString()));
        git(ctx, args, deadline, s, "clone" + (ref == null ? "" : " of " + ref));
    }

    /** Runs git with the safe settings; a non-zero exit fails the step naming what failed. */
    private Subprocess.Outcome git(StepContext ctx, List<String> args, long deadline, Spec s, String what) throws InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(Subprocess.resolve(git, "git"));
        argv.addAll(List.of("-c", "http.followRedirects=false"));
        argv.addAll(args);
        Map<String, String> env = new HashMap<>();
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_ALLOW_PROTOCOL", fileUrls ? "https:ssh:file" : "https:ssh");
        if (System.getenv("GIT_SSH_COMMAND") == null) env.put("GIT_SSH_COMMAND", "ssh -o BatchMode=yes"); // the operator's wins
        Subprocess.Outcome o = Subprocess.run(ctx, argv, null, env, true, deadline, s.timeout(), "git " + what);
        if (o.exitCode() != 0) {
            throw new PermanentFailure("git: " + what + " of " + redact(s.url()) + " failed (exit code " + o.exitCode() + ")" + o.lastErrLines());
        }
        return o;
    }

    /** The URL without a password or token in its user part. */
    static String redact(String url) {
        try {
            URI u = new URI(url);
            if (u.getRawUserInfo() == null || !u.getRawUserInfo().contains(":")) return url;
            String user = u.getRawUserInfo().substring(0, u.getRawUserInfo().indexOf(':'));
            return new URI(u.getScheme(), user + ":***", u.getHost(), u.getPort(), u.getPath(), u.getQuery(), u.getFragment()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return url.replaceAll("//[^/@]*@", "//***@");
        }
    }

    /** Deletes a directory tree; files made read-only (git's packs) or unwritable directories are made writable first. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    File parent = p.toFile().getParentFile();
                    if (parent != null) parent.setWritable(true, true);
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException again) {
                        throw new java.io.UncheckedIOException(again);
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(GitAction.class).warn("could not delete {} entirely: {}", dir, e.toString());
        }
    }
}
