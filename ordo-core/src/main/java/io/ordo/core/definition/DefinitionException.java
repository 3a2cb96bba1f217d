package io.ordo.core.definition;

import io.ordo.core.OrdoException;

import java.util.List;

/**
 * A job definition was rejected: it carries every problem found (not just the first). Nothing of
 * the definition was stored. Code {@value #CODE} (HTTP 422).
 */
public final class DefinitionException extends OrdoException {
    public static final String CODE = "invalid_definition";

    private final String file;
    private final List<Problem> problems;

    public DefinitionException(String file, List<Problem> problems) {
        super(CODE, message(file, problems));
        if (problems.isEmpty()) throw new IllegalArgumentException("a rejected definition has at least one problem");
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /** The file (or request) the definition came from, as the caller named it. */
    public String file() {
        return file;
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String message(String file, List<Problem> problems) {
        StringBuilder b = new StringBuilder("job definition ").append(file == null ? "" : file + " ").append("is invalid (")
                .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append("); nothing was stored:");
        for (Problem p : problems) b.append("\n  ").append(p);
        return b.toString();
    }
}
