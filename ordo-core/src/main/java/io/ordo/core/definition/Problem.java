package io.ordo.core.definition;

/**
 * One thing wrong with a job definition: the file (as the caller named it), the field as a path
 * ({@code steps[1].depends[0]}, {@code steps.crawl.config.start_urls}; null when the problem is
 * about the whole file, e.g. a syntax error) and what is wrong.
 *
 * <p>Fields inside a step's {@code config} are named {@code steps.<step name>.config.<path>}, as the
 * runner names them at run time; every other step field is named by position,
 * {@code steps[<index>].<field>} (the index counts from 0 in the order the file lists the steps).
 */
public record Problem(String file, String field, String message) {
    public Problem {
        if (message == null || message.isBlank()) throw new IllegalArgumentException("a problem needs a message");
    }

    /** {@code file: field: message}, or {@code file: message} without a field. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (file != null && !file.isEmpty()) b.append(file).append(": ");
        if (field != null && !field.isEmpty()) b.append(field).append(": ");
        return b.append(message).toString();
    }
}
