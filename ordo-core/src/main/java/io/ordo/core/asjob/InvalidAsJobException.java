package io.ordo.core.asjob;

import java.util.List;

/**
 * An interface whose {@link AsJob} methods cannot work as declared, or a registration that cannot
 * be done. The message lists every problem found, one per line; {@link #problems()} has them too.
 */
public final class InvalidAsJobException extends IllegalArgumentException {
    private final transient List<String> problems;

    InvalidAsJobException(Class<?> iface, List<String> problems) {
        super(message(iface, problems));
        this.problems = List.copyOf(problems);
    }

    private static String message(Class<?> iface, List<String> problems) {
        String where = iface == null ? "@AsJob" : "@AsJob on " + iface.getName();
        if (problems.size() == 1) return where + ": " + problems.get(0);
        return where + ": " + problems.size() + " problems:\n - " + String.join("\n - ", problems);
    }

    /** Each problem, e.g. {@code "summarize(Document, int): timeout 'soon' is not a duration ..."}. */
    public List<String> problems() {
        return problems;
    }
}
