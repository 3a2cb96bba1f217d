package io.ordo.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The {@code ordo} command line. Exit codes: 0 success, 1 failure (a job did not complete, the
 * server is unreachable or refused), 2 usage error (unknown flag, bad value, input the server
 * rejected as invalid). Errors are one line on stderr starting with {@code ordo:}.
 */
@Command(name = "ordo", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class, usageHelpAutoWidth = true,
        description = "Ordo: durable job orchestration for the JVM.")
public final class Main implements Callable<Integer> {
    /** The subcommands, in the order help lists them (added in code: see {@link #commandLine}). */
    private static final List<Class<?>> SUBCOMMANDS = List.of(ServerCommand.class, WorkerCommand.class, SubmitCommand.class,
            JobsCommand.class, BatchesCommand.class, DefinitionsCommand.class, SchedulesCommand.class, QueuesCommand.class, StatsCommand.class, NodesCommand.class,
            CommandLine.HelpCommand.class);

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.getenv()));
    }

    /** Runs one command line with the given streams and environment; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CliContext ctx = new CliContext(o, e, env);
        try {
            return commandLine(ctx, args.length > 0 ? args[0] : null).execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    static CommandLine commandLine(CliContext ctx) {
        return commandLine(ctx, null);
    }

    /**
     * @param first the first argument: when it names a subcommand, only that one is built. Picocli
     *              reads every command's annotations by reflection up front, which took a few
     *              hundred milliseconds of each start for commands that were not run.
     */
    static CommandLine commandLine(CliContext ctx, String first) {
        CommandLine.IFactory fallback = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                try {
                    var constructor = cls.getDeclaredConstructor(CliContext.class);
                    constructor.setAccessible(true);
                    return constructor.newInstance(ctx);
                } catch (NoSuchMethodException e) {
                    return fallback.create(cls);
                }
            }
        };
        CommandLine cl = new CommandLine(new Main(), factory);
        Class<?> only = first == null ? null : SUBCOMMANDS.stream()
                .filter(c -> c != CommandLine.HelpCommand.class && c.getAnnotation(Command.class).name().equals(first)).findFirst().orElse(null);
        if (only != null) cl.addSubcommand(only);
        else SUBCOMMANDS.forEach(cl::addSubcommand);
        // after the subcommands: these settings reach only the commands present when they are made
        cl.setOut(ctx.out());
        cl.setErr(ctx.err());
        cl.setParameterExceptionHandler((ex, args) -> {
            String cmd = ex.getCommandLine().getCommandSpec().qualifiedName();
            ctx.err().println("ordo: " + ex.getMessage() + " (see '" + cmd + " --help')");
            return USAGE;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CliException c) {
                ctx.err().println("ordo: " + c.getMessage());
                return c.exitCode();
            }
            // a bug of ours: still one line, but say what it was
            ctx.err().println("ordo: unexpected error: " + ex);
            return FAILED;
        });
        return cl;
    }

    @Override
    public Integer call() {
        throw CliException.usage("missing command: server, worker, submit, jobs, batches, definitions, queues, stats or nodes (see 'ordo --help')");
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"ordo " + (v == null ? "(development build)" : v)};
        }
    }
}
