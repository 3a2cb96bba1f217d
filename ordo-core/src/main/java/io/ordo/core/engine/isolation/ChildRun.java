package io.ordo.core.engine.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.PermanentFailure;
import io.ordo.core.model.LogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One process-isolated attempt, node side: starts the child, sends it the job, applies its lines
 * to the real job context, and stops it when the attempt is stopped. Runs on the attempt's own
 * thread, so the pool's interrupt (timeout, cancel after the grace, lost lease, shutdown) ends
 * the wait and kills the child.
 */
final class ChildRun {
    private static final Logger log = LoggerFactory.getLogger(ChildRun.class);
    private static final int STDERR_TAIL = 10;
    private static final long CANCEL_CHECK_MS = 100;
    private static final String END = "\u0000end"; // the child closed its stdout

    private final JobContext ctx;
    private final ProcessBuilder command;
    private final Duration killGrace;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private Process process;
    private Thread stderrPump;
    private Writer toChild;
    private boolean cancelSent;
    private boolean gotResult;
    private JsonNode result;
    private JsonNode error;
    private boolean interruptedWhileStopping;

    ChildRun(JobContext ctx, ProcessBuilder command, Duration killGrace) {
        this.ctx = ctx;
        this.command = command;
        this.killGrace = killGrace;
    }

    Object run() throws InterruptedException {
        try {
            process = command.start();
        } catch (IOException e) {
            throw new IsolatedFailure("cannot start the child JVM (" + command.command().get(0) + "): " + e.getMessage(), e);
        }
        String who = "job " + ctx.id() + " child " + process.pid();
        log.debug("{}: started", who);
        try {
            stderrPump = pump(process.getErrorStream(), who + " stderr", line -> stderrLine(who, line), () -> { });
            pump(process.getInputStream(), who + " stdout", lines::add, () -> lines.add(END));
            toChild = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            send(Wire.job(ctx.job()));
            while (true) {
                String line = lines.poll(CANCEL_CHECK_MS, TimeUnit.MILLISECONDS);
                if (ctx.isCancelled() && !cancelSent) {
                    cancelSent = true; // the child's handler sees isCancelled(); the pool interrupts us after the grace
                    send(Wire.cancel());
                }
                if (line == END) break;
                if (line != null) apply(line);
            }
            return outcome(process.waitFor());
        } finally {
            stop(who);
        }
    }

    private void apply(String line) {
        JsonNode m;
        try {
            m = Wire.parse(line);
        } catch (IllegalStateException e) {
            log.warn("job {}: the child wrote a line that is not part of the protocol: {}", ctx.id(), Wire.abbreviate(line));
            return;
        }
        switch (String.valueOf(Wire.text(m, Wire.TYPE))) {
            case Wire.LOG -> ctx.log(LogLevel.valueOf(Wire.text(m, "level")), Wire.text(m, "message"));
            case Wire.PROGRESS -> ctx.progress(m.path("current").asLong(), m.path("total").asLong(), Wire.text(m, "text"));
            case Wire.SAVE_RESULT -> {
                Duration ttl = m.hasNonNull("ttl_ms") ? Duration.ofMillis(m.get("ttl_ms").asLong()) : null;
                ctx.saveResult(value(m), Wire.text(m, "title"), Wire.text(m, "reference"), ttl);
            }
            case Wire.RESULT -> {
                gotResult = true;
                result = value(m);
            }
            case Wire.ERROR -> error = m;
            default -> log.warn("job {}: unknown message from the child: {}", ctx.id(), Wire.abbreviate(line));
        }
    }

    private static JsonNode value(JsonNode m) {
        JsonNode v = m.get("value");
        return v == null || v.isNull() ? null : v;
    }

    private Object outcome(int code) {
        if (code == 0 && error != null) {
            String message = Wire.text(error, "message");
            if (error.path("permanent").asBoolean()) throw new PermanentFailure(message);
            throw new IsolatedFailure(message);
        }
        if (code == 0 && gotResult) return result;
        joinQuietly(stderrPump); // the last lines explain the exit best
        String tail;
        synchronized (stderrTail) {
            tail = stderrTail.isEmpty() ? "" : "; last stderr lines: " + String.join(" | ", stderrTail);
        }
        String message = "child process exited with code " + code + (code == 0 ? " without a result" : "") + tail;
        throw new IsolatedFailure(message.length() > 4000 ? message.substring(0, 4000) + "…" : message);
    }

    private void stderrLine(String who, String line) {
        log.info("{}: {}", who, line);
        synchronized (stderrTail) {
            if (stderrTail.size() == STDERR_TAIL) stderrTail.removeFirst();
            stderrTail.addLast(line.length() > 300 ? line.substring(0, 300) + "…" : line);
        }
    }

    /** A write to a child that has exited fails; its exit code tells what happened. */
    private void send(String line) {
        try {
            toChild.write(line);
            toChild.write('\n');
            toChild.flush();
        } catch (IOException e) {
            log.debug("job {}: cannot write to the child: {}", ctx.id(), e.getMessage());
        }
    }

    /** Ends the child if it still runs: terminate, then kill after the grace. Interrupts arriving meanwhile are kept for the caller. */
    private void stop(String who) {
        interruptedWhileStopping = Thread.interrupted();
        try {
            if (process.isAlive()) {
                log.info("{}: stopping it", who);
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                if (!waitQuietly(killGrace)) {
                    log.warn("{}: still running {} after being told to stop; killing it", who, killGrace);
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                    waitQuietly(Duration.ofSeconds(10));
                }
            }
        } finally {
            try {
                toChild.close();
            } catch (IOException | RuntimeException ignored) {
                // the child is gone
            }
            if (interruptedWhileStopping) Thread.currentThread().interrupt();
        }
    }

    private boolean waitQuietly(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        while (true) {
            try {
                return process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interruptedWhileStopping = true; // keep waiting; stop() restores the interrupt
            }
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            if (t != null) t.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread pump(InputStream in, String name, Consumer<String> onLine, Runnable onEnd) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) onLine.accept(line);
            } catch (IOException ignored) {
                // the child was stopped
            } finally {
                onEnd.run();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
