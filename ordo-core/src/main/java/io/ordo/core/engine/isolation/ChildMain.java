package io.ordo.core.engine.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.model.Job;
import io.ordo.core.util.Json;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The child JVM of a process-isolated job: {@code java ChildMain HANDLER_CLASS}, the classpath in
 * {@code CLASSPATH}. Reads the job from stdin, runs a fresh instance of the handler, sends what it
 * does to stdout, and exits. It
 * also exits as soon as its stdin closes: the node stopped or died (even {@code kill -9} closes the
 * pipe), so no child outlives its node.
 */
public final class ChildMain {
    /** The child's exit status when its node went away before the job ended. */
    static final int NODE_GONE = 70;
    /** Bad invocation or no job on stdin. */
    static final int USAGE = 64;
    private static volatile boolean finished;

    private ChildMain() {
    }

    public static void main(String[] args) {
        // stdout carries the protocol: anything the job code prints goes to stderr instead
        PrintStream toNode = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        System.setOut(System.err);
        if (args.length != 1) {
            System.err.println("usage: ChildMain HANDLER_CLASS (the job comes as one JSON line on stdin)");
            System.exit(USAGE);
        }
        BufferedReader fromNode = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Job job = readJob(fromNode);
        ChildContext ctx = new ChildContext(job, toNode);
        Thread watcher = new Thread(() -> watchNode(fromNode, ctx), "ordo-child-stdin");
        watcher.setDaemon(true);
        watcher.start();
        String outcome = outcome(args[0], ctx);
        finished = true;
        ctx.send(outcome);
        System.exit(0);
    }

    private static Job readJob(BufferedReader fromNode) {
        try {
            String line = fromNode.readLine();
            if (line == null) {
                System.err.println("no job on stdin");
                System.exit(USAGE);
            }
            return Json.MAPPER.treeToValue(Wire.parse(line).get(Wire.JOB), Job.class);
        } catch (IOException | RuntimeException | LinkageError e) {
            System.err.println("cannot read the job from stdin: " + e);
            System.exit(USAGE);
            return null;
        }
    }

    /** The last line: the handler's result, or its failure worded as the node words an in-process one. */
    private static String outcome(String handlerClass, ChildContext ctx) {
        JobHandler handler;
        try {
            var constructor = Class.forName(handlerClass).getDeclaredConstructor();
            constructor.setAccessible(true); // a package-private class with a public constructor is fine
            handler = (JobHandler) constructor.newInstance();
        } catch (ReflectiveOperationException | ClassCastException | LinkageError e) {
            return Wire.error(e.getClass().getName(), "cannot create handler " + handlerClass + " in the child process: " + describe(e), false);
        }
        Object result;
        try {
            result = handler.run(ctx);
        } catch (Throwable t) {
            return Wire.error(t.getClass().getName(), describe(t), t instanceof PermanentFailure);
        }
        try {
            JsonNode tree = Json.resultTree(result);
            return Wire.result(tree);
        } catch (IllegalArgumentException e) {
            return Wire.error(IllegalStateException.class.getName(), "IllegalStateException: result is not serializable to JSON: " + e.getMessage(), false);
        }
    }

    /** Reads the node's lines; end of input means the node is gone, so the child stops at once. */
    private static void watchNode(BufferedReader fromNode, ChildContext ctx) {
        try {
            String line;
            while ((line = fromNode.readLine()) != null) {
                if (Wire.CANCEL.equals(Wire.text(Wire.parse(line), Wire.TYPE))) ctx.cancel();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("reading from the node failed: " + e);
        }
        Runtime.getRuntime().halt(finished ? 0 : NODE_GONE);
    }

    /** As the node describes a failed attempt: class, message, and the cause's. */
    static String describe(Throwable t) {
        if (t instanceof PermanentFailure && t.getMessage() != null) return t.getMessage();
        if (t instanceof java.lang.reflect.InvocationTargetException ite && ite.getCause() != null) t = ite.getCause();
        String msg = t.getMessage();
        String s = t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
        if (t.getCause() != null && t.getCause() != t && t.getCause().getMessage() != null) {
            s += " (caused by " + t.getCause().getClass().getSimpleName() + ": " + t.getCause().getMessage() + ")";
        }
        return s.length() > 4000 ? s.substring(0, 4000) + "…" : s;
    }
}
