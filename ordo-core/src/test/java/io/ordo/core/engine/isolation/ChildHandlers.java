package io.ordo.core.engine.isolation;

import io.ordo.core.handler.Isolation;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.model.JobRequest;

import java.util.Map;

/** Handlers the tests run in child JVMs (the child has the test classpath, so it finds them by name). */
final class ChildHandlers {
    private ChildHandlers() {
    }

    /** Marked by the handler itself: logs, reports progress, saves a result, prints to stdout, returns its pid. */
    public static final class Report implements JobHandler {
        @Override
        public String type() {
            return "iso.report";
        }

        @Override
        public Isolation isolation() {
            return Isolation.PROCESS;
        }

        @Override
        public Object run(JobContext ctx) {
            System.out.println("plain stdout must not break the protocol");
            ctx.info("hello from the child");
            ctx.warn("a warning");
            ctx.progress(1, 2, "half way");
            ctx.progress(2, 2, "done");
            return Map.of("pid", ProcessHandle.current().pid(), "job", ctx.id().toString(), "attempt", ctx.attempt(),
                    "name", ctx.payload().path("name").asText(), "queue", ctx.job().queue());
        }
    }

    /**
     * Logs {@code pid=N}, then waits. With {@code cooperative} it returns once the node says cancel;
     * without, it ignores cancels and interrupts (the node must kill it).
     */
    public static final class Hang implements JobHandler {
        @Override
        public String type() {
            return "iso.hang";
        }

        @Override
        public Object run(JobContext ctx) {
            ctx.info("pid=" + ProcessHandle.current().pid());
            boolean cooperative = ctx.payload().path("cooperative").asBoolean();
            while (true) {
                if (cooperative && ctx.isCancelled()) {
                    ctx.info("saw the cancel");
                    return "stopped";
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException ignored) {
                    // stubborn on purpose
                }
            }
        }
    }

    /** Fails the way the payload says: exit code, exception, permanent failure, or spawn; or saves a result and returns null. */
    public static final class Crash implements JobHandler {
        @Override
        public String type() {
            return "iso.crash";
        }

        @Override
        public Object run(JobContext ctx) {
            System.err.println("about to fail: " + ctx.payload().path("how").asText());
            return switch (ctx.payload().path("how").asText()) {
                case "exit" -> {
                    System.exit(ctx.payload().path("code").asInt());
                    yield null;
                }
                case "halt" -> {
                    Runtime.getRuntime().halt(ctx.payload().path("code").asInt());
                    yield null;
                }
                case "throw" -> throw new IllegalStateException("boom", new java.io.IOException("disk gone"));
                case "permanent" -> throw new PermanentFailure("bad input, no retry");
                case "spawn" -> ctx.spawn(JobRequest.of("noop"));
                case "save" -> {
                    ctx.saveResult(Map.of("page", 1), "first page", "https://example.test/1");
                    ctx.saveResult(Map.of("saved", 42), java.time.Duration.ofHours(1));
                    yield null; // a null return keeps the saved result
                }
                default -> "fine";
            };
        }
    }

    /** Cannot be created by the child: no no-arg constructor. */
    public static final class NeedsArgument implements JobHandler {
        private final String type;

        public NeedsArgument(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public Object run(JobContext ctx) {
            return null;
        }
    }
}
