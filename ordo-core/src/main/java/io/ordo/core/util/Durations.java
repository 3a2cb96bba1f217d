package io.ordo.core.util;

import io.ordo.core.InvalidRequestException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them: {@code 250ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d},
 * combinations like {@code 1h30m}, ISO-8601 ({@code PT10S}), or a bare number of milliseconds.
 */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");

    private Durations() {
    }

    /** Parses {@code text}; {@code field} names the input in the error message. */
    public static Duration parse(String field, String text) {
        if (text == null || text.isBlank()) throw new InvalidRequestException(field + ": a duration is required (e.g. 500ms, 10s, 5m, 1h)");
        String t = text.trim();
        if (t.startsWith("-")) throw new InvalidRequestException(field + ": duration must not be negative (got '" + text + "')");
        try {
            if (t.chars().allMatch(Character::isDigit)) return Duration.ofMillis(Long.parseLong(t));
            if (t.startsWith("P") || t.startsWith("p")) {
                Duration d = Duration.parse(t);
                if (d.isNegative()) throw new InvalidRequestException(field + ": duration must not be negative (got '" + text + "')");
                return d;
            }
            String lower = t.toLowerCase(java.util.Locale.ROOT);
            if (!WHOLE.matcher(lower).matches()) throw bad(field, text);
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(lower);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            return total;
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            throw bad(field, text);
        }
    }

    private static InvalidRequestException bad(String field, String text) {
        return new InvalidRequestException(field + ": '" + text + "' is not a duration (use e.g. 500ms, 10s, 5m, 1h30m, 2d or PT10S)");
    }

    /** The short form used in output: {@code 1500ms}, {@code 10s}, {@code 5m}, {@code 1h30m}. */
    public static String format(Duration d) {
        if (d == null) return null;
        long ms = d.toMillis();
        if (ms % 1000 != 0) return ms + "ms";
        long s = ms / 1000;
        StringBuilder b = new StringBuilder();
        if (s >= 86400 && s % 86400 == 0) return (s / 86400) + "d";
        if (s >= 3600) { b.append(s / 3600).append('h'); s %= 3600; }
        if (s >= 60) { b.append(s / 60).append('m'); s %= 60; }
        if (s > 0 || b.isEmpty()) b.append(s).append('s');
        return b.toString();
    }
}
