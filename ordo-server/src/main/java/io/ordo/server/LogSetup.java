package io.ordo.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

import java.util.Map;

/**
 * The server's logging, set up in code (found by logback through {@code META-INF/services}): what a
 * {@code logback.xml} would say, without loading logback's XML configurator and a SAX parser, which
 * cost a few hundred milliseconds of every start. A {@code logback.xml} or {@code logback-test.xml}
 * on the classpath, or {@code -Dlogback.configurationFile}, still wins: then this does nothing.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {
    /** Levels by logger; everything else logs warnings and errors. */
    private static final Map<String, Level> LEVELS = Map.of(
            "io.ordo", Level.INFO,
            "org.eclipse.jetty", Level.WARN,
            "io.javalin", Level.WARN,
            // "Failed to start Javalin": the CLI reports the cause itself, in one line
            "io.javalin.Javalin", Level.OFF,
            "com.zaxxer.hikari", Level.WARN,
            "org.flywaydb", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader cl = LogSetup.class.getClassLoader();
        if (System.getProperty("logback.configurationFile") != null || cl.getResource("logback-test.xml") != null
                || cl.getResource("logback.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n");
        encoder.start();
        // logs go to stderr: stdout carries the CLI's output and the server's ready line
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setTarget("System.err");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.WARN);
        root.addAppender(console);
        LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
