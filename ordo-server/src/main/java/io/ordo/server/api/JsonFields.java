package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.util.Durations;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, strict access to the fields of one JSON object of a request. Unknown fields are refused
 * by name; a value of the wrong type names the field (as a path like {@code jobs[2].backoff.base})
 * and the expected type. JSON {@code null} counts as absent.
 */
final class JsonFields {
    /** Longest duration accepted anywhere (100 years): beyond it timestamps overflow in some stores. */
    static final Duration MAX_DURATION = Duration.ofDays(36_500);
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final JsonNode node;
    private final String path;

    private JsonFields(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /**
     * @param what   how to name the object in errors when it is not an object ("request body", "jobs[3]")
     * @param path   the prefix of its fields' paths ("" for the top level)
     */
    static JsonFields of(JsonNode node, String what, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw new ApiError(400, "invalid_request", what + " must be a JSON object (got " + typeName(node) + ")",
                    path.isEmpty() ? java.util.Map.of() : java.util.Map.of("field", path));
        }
        JsonFields f = new JsonFields(node, path);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw ApiError.badField(f.field(name), "unknown field '" + f.field(name) + "' (allowed: "
                        + String.join(", ", new TreeSet<>(allowed)) + ")");
            }
        }
        return f;
    }

    String field(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private JsonNode get(String name) {
        JsonNode v = node.get(name);
        return v == null || v.isNull() ? null : v;
    }

    boolean has(String name) {
        return get(name) != null;
    }

    JsonNode any(String name) {
        return get(name);
    }

    String string(String name) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!v.isTextual()) throw ApiError.wrongType(field(name), "a string", typeName(v));
        return v.asText();
    }

    String requiredString(String name) {
        String s = string(name);
        if (s == null) throw ApiError.badField(field(name), "field '" + field(name) + "' is required");
        return s;
    }

    Integer integer(String name) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!v.isIntegralNumber()) throw ApiError.wrongType(field(name), "an integer", typeName(v));
        if (!v.canConvertToInt()) throw ApiError.badField(field(name), "field '" + field(name) + "' is out of range (got " + v.asText() + ")");
        return v.intValue();
    }

    /** A duration string ({@code "500ms"}, {@code "1h30m"}, {@code "PT10S"}) or a whole number of milliseconds. */
    Duration duration(String name) {
        JsonNode v = get(name);
        if (v == null) return null;
        Duration d;
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) throw ApiError.badField(field(name), "field '" + field(name) + "' is out of range");
            if (v.longValue() < 0) throw ApiError.badField(field(name), "field '" + field(name) + "' must not be negative (got " + v.asText() + ")");
            d = Duration.ofMillis(v.longValue());
        } else if (v.isTextual()) {
            try {
                d = Durations.parse(field(name), v.asText());
            } catch (InvalidRequestException e) {
                throw ApiError.badField(field(name), e.getMessage());
            }
        } else {
            throw ApiError.wrongType(field(name), "a duration (a string like \"10s\" or an integer of milliseconds)", typeName(v));
        }
        if (d.compareTo(MAX_DURATION) > 0) throw ApiError.badField(field(name), "field '" + field(name) + "' must be at most 36500d");
        return d;
    }

    /** An ISO-8601 timestamp with a zone ({@code 2030-01-01T10:00:00Z} or {@code …+02:00}). */
    Instant instant(String name) {
        String s = string(name);
        if (s == null) return null;
        Instant t;
        try {
            t = Instant.parse(s.trim());
        } catch (DateTimeException e) {
            throw ApiError.badField(field(name), "field '" + field(name) + "' must be an ISO-8601 timestamp with a zone, e.g. 2030-01-01T10:00:00Z (got '" + s + "')");
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw ApiError.badField(field(name), "field '" + field(name) + "' must be between " + EARLIEST.atOffset(ZoneOffset.UTC).getYear()
                    + " and " + LATEST.atOffset(ZoneOffset.UTC).getYear());
        }
        return t;
    }

    List<String> strings(String name) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!v.isArray()) throw ApiError.wrongType(field(name), "an array of strings", typeName(v));
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (!e.isTextual()) throw ApiError.wrongType(field(name) + "[" + i + "]", "a string", typeName(e));
            out.add(e.asText());
        }
        return out;
    }

    /** A nested object with its own allowed fields, or null when absent. */
    JsonFields object(String name, Set<String> allowed) {
        JsonNode v = get(name);
        if (v == null) return null;
        if (!v.isObject()) throw ApiError.wrongType(field(name), "an object", typeName(v));
        return of(v, field(name), field(name), allowed);
    }

    static String typeName(JsonNode v) {
        if (v == null || v.isMissingNode()) return "nothing";
        JsonNodeType t = v.getNodeType();
        return switch (t) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> v.isIntegralNumber() ? "an integer" : "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
