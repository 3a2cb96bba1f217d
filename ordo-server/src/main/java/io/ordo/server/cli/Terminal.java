package io.ordo.server.cli;

import java.io.Console;
import java.util.Map;

/** Whether the CLI talks to a person at a terminal (then progress redraws one line with {@code \r}). */
final class Terminal {
    private Terminal() {
    }

    /**
     * True when the JVM has an interactive console and {@code TERM} is not {@code dumb}. Java cannot
     * ask about stderr alone; a console means stdin and stdout are a terminal, which covers the
     * usual case of stderr redirected together with stdout (then there is no console).
     */
    static boolean interactive(Map<String, String> env) {
        if ("dumb".equals(env.get("TERM"))) return false;
        Console c = System.console();
        if (c == null) return false;
        try {
            // Java 22+: System.console() is never null, isTerminal() says whether it is a terminal
            return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
        } catch (NoSuchMethodException e) {
            return true; // Java 21: a console exists only for a terminal
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
