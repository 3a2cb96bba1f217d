package io.ordo.server;

import io.ordo.core.InvalidRequestException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A queue this server serves, as written on the command line: {@code NAME=CONCURRENCY[:CAPACITY]}.
 *
 * @param capacity most jobs waiting before submits are refused with 429; null for no limit
 */
public record QueueSpec(String name, int concurrency, Integer capacity) {
    private static final Pattern FORM = Pattern.compile("([^=]+)=(\\d{1,6})(?::(\\d{1,9}))?");

    public static QueueSpec parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new InvalidRequestException("--queue '" + text + "': expected NAME=CONCURRENCY[:CAPACITY], e.g. emails=4 or emails=4:1000");
        }
        Integer capacity = m.group(3) == null ? null : Integer.valueOf(m.group(3));
        if (capacity != null && capacity < 1) throw new InvalidRequestException("--queue '" + text + "': capacity must be at least 1");
        return new QueueSpec(m.group(1).trim(), Integer.parseInt(m.group(2)), capacity);
    }

    @Override
    public String toString() {
        return name + "=" + concurrency + (capacity == null ? "" : ":" + capacity);
    }
}
