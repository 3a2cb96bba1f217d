package io.ordo.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.util.Durations;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads and checks a step's config. Errors name the field ({@code config.url: required}). A value
 * that still holds a variable reference ({@code "{base}/docs"} or {@code "{pages}"}) passes the
 * checks that it cannot pass before substitution: step configs are validated once with their
 * references in place (when a definition is saved) and again, substituted, when the step runs.
 */
final class ActionConfig {
    private static final Pattern REF = Pattern.compile("\\{[A-Za-z_][A-Za-z0-9_]*}");

    private final JsonNode config;

    ActionConfig(JsonNode config) {
        this.config = config == null || config.isNull() || config.isMissingNode()
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : config;
        if (!this.config.isObject()) throw new InvalidRequestException("config: must be an object");
    }

    JsonNode raw() {
        return config;
    }

    static InvalidRequestException bad(String field, String problem) {
        return new InvalidRequestException("config." + field + ": " + problem);
    }

    /** Refuses fields the action does not know (catches typos such as {@code max_page}). */
    ActionConfig only(Set<String> known) {
        Iterator<String> it = config.fieldNames();
        while (it.hasNext()) {
            String f = it.next();
            if (!known.contains(f)) throw bad(f, "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
        }
        return this;
    }

    boolean has(String field) {
        JsonNode n = config.get(field);
        return n != null && !n.isNull();
    }

    private JsonNode node(String field) {
        JsonNode n = config.get(field);
        return n == null || n.isNull() ? null : n;
    }

    /** The whole value is one variable reference (its type is only known after substitution). */
    static boolean isRef(JsonNode n) {
        return n != null && n.isTextual() && REF.matcher(n.asText()).matches();
    }

    static boolean hasRef(String s) {
        return s != null && REF.matcher(s).find();
    }

    String requiredText(String field) {
        JsonNode n = node(field);
        if (n == null) throw bad(field, "required");
        if (!n.isTextual() || n.asText().isBlank()) throw bad(field, "must be a non-empty string");
        return n.asText();
    }

    String text(String field, String def) {
        JsonNode n = node(field);
        if (n == null) return def;
        if (!n.isTextual()) throw bad(field, "must be a string");
        return n.asText();
    }

    /** An integer in [min, max]; {@code what} describes the rule in the message ("a positive integer"). */
    Integer integer(String field, Integer def, long min, long max, String what) {
        JsonNode n = node(field);
        if (n == null || isRef(n)) return def;
        long v;
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            v = n.asLong();
        } else if (n.isTextual() && n.asText().trim().matches("-?\\d{1,18}")) {
            v = Long.parseLong(n.asText().trim());
        } else {
            throw bad(field, "must be " + what + " (got " + n + ")");
        }
        if (v < min || v > max) throw bad(field, "must be " + what + " (got " + v + ")");
        return (int) v;
    }

    boolean bool(String field, boolean def) {
        JsonNode n = node(field);
        if (n == null || isRef(n)) return def;
        if (n.isBoolean()) return n.asBoolean();
        if (n.isTextual() && (n.asText().equalsIgnoreCase("true") || n.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(n.asText());
        }
        throw bad(field, "must be true or false (got " + n + ")");
    }

    Duration duration(String field, Duration def) {
        JsonNode n = node(field);
        if (n == null || isRef(n)) return def;
        if (!n.isTextual()) throw bad(field, "must be a duration string such as 30s, 5m or 1h (got " + n + ")");
        Duration d = Durations.parse("config." + field, n.asText());
        if (d.isZero()) throw bad(field, "must be longer than 0");
        return d;
    }

    /** A list of strings; a single string is taken as a list of one. Null when absent. */
    List<String> strings(String field) {
        JsonNode n = node(field);
        if (n == null) return null;
        if (n.isTextual()) return List.of(n.asText());
        if (!n.isArray()) throw bad(field, "must be a list of strings");
        List<String> out = new ArrayList<>();
        int i = 0;
        for (JsonNode e : n) {
            if (!e.isTextual()) throw bad(field + "[" + i + "]", "must be a string (got " + e + ")");
            out.add(e.asText());
            i++;
        }
        return out;
    }

    /** An object of string values (numbers and booleans are turned into text). Empty when absent. */
    Map<String, String> stringMap(String field) {
        JsonNode n = node(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null) return out;
        if (!n.isObject()) throw bad(field, "must be an object of names to strings");
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) throw bad(field + "." + e.getKey(), "must be a string (got " + v + ")");
            out.put(e.getKey(), v.asText());
        }
        return out;
    }

    /** Compiles regular expressions, naming the one that does not compile. */
    List<Pattern> patterns(String field) {
        List<String> src = strings(field);
        List<Pattern> out = new ArrayList<>();
        if (src == null) return out;
        for (int i = 0; i < src.size(); i++) {
            try {
                out.add(Pattern.compile(src.get(i)));
            } catch (PatternSyntaxException e) {
                throw bad(field + "[" + i + "]", "not a valid regular expression: " + e.getDescription());
            }
        }
        return out;
    }

    /** Checks an absolute http(s) URL (text with variable references is checked after substitution). */
    static void checkUrl(String field, String url) {
        if (url == null || url.isBlank()) throw bad(field, "required");
        if (hasRef(url)) return;
        URI u;
        try {
            u = new URI(url.trim());
        } catch (java.net.URISyntaxException e) {
            throw bad(field, "'" + url + "' is not a valid URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) throw bad(field, "'" + url + "' must be an absolute http:// or https:// URL");
        if (u.getHost() == null || u.getHost().isEmpty()) throw bad(field, "'" + url + "' has no host");
    }
}
