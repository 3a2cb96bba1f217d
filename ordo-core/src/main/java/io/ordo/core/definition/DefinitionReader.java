package io.ordo.core.definition;

import static io.ordo.core.definition.DefinitionParser.*;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.definition.StepDefinition.CacheSpec;
import io.ordo.core.definition.StepDefinition.ErrorTolerance;
import io.ordo.core.definition.StepDefinition.OnError;
import io.ordo.core.definition.StepDefinition.RetrySpec;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.util.Durations;
import io.ordo.core.util.Json;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads one tree, collecting problems. */
final class DefinitionReader {
    final String file;
    final List<Problem> problems = new ArrayList<>();
    final Set<String> reported = new HashSet<>();
    final List<Integer> stepIndexes = new ArrayList<>();

    DefinitionReader(String file) {
        this.file = file;
    }

    void problem(String field, String message) {
        problems.add(new Problem(file, field, message));
        if (field != null) reported.add(field);
    }

    JobDefinition definition(JsonNode root) {
        if (!root.isObject()) {
            problem(null, "a definition must be a mapping of fields (id, steps, ...), not " + typeName(root));
            return null;
        }
        fields(root, "", TOP_FIELDS);
        String id = string(root, "", "id");
        if (id == null && !reported.contains("id")) problem("id", "required: the definition's id (" + NAME_RULE + ")");
        String name = string(root, "", "name");
        String description = string(root, "", "description");
        String schedule = string(root, "", "schedule");
        String timezone = string(root, "", "timezone");
        Duration timeout = duration(root, "", "timeout", true);
        Boolean enabled = bool(root, "", "enabled");
        List<String> tags = strings(root, "", "tags", false);
        Map<String, JsonNode> config = variables(root);
        Boolean overlap = bool(root, "", "allow_overlap");
        String webhook = string(root, "", "webhook_url");
        if (webhook != null && !webhook.matches("(?i)https?://[^\\s/?#]+[^\\s]*")) {
            problem("webhook_url", "'" + webhook + "' is not an absolute http(s) URL");
        }
        List<StepDefinition> steps = steps(root);
        return new JobDefinition(id, name, description, schedule, timeout, enabled == null || enabled, tags, config, steps,
                overlap != null && overlap, webhook, timezone);
    }

    Map<String, JsonNode> variables(JsonNode root) {
        JsonNode c = get(root, "config");
        if (c == null) return Map.of();
        if (!c.isObject()) {
            wrongType("config", "a mapping of variable names to values", c);
            return Map.of();
        }
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!VARIABLE.matcher(e.getKey()).matches()) {
                problem("config." + e.getKey(), "variable names are letters, digits and '_', not starting with a digit, so that {name} can refer to them");
                continue;
            }
            out.put(e.getKey(), normalize(e.getValue()));
        }
        return out;
    }

    List<StepDefinition> steps(JsonNode root) {
        JsonNode s = get(root, "steps");
        if (s == null) {
            if (!reported.contains("steps")) problem("steps", "required: a list of steps (each with a name and an action)");
            return List.of();
        }
        if (!s.isArray()) {
            wrongType("steps", "a list of steps", s);
            return List.of();
        }
        if (s.size() > MAX_STEPS) {
            problem("steps", "at most " + MAX_STEPS + " steps (got " + s.size() + ")");
            return List.of();
        }
        List<StepDefinition> out = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            String path = "steps[" + i + "]";
            JsonNode n = s.get(i);
            if (!n.isObject()) {
                problem(path, "a step must be a mapping (name, action, ...), not " + typeName(n));
                continue;
            }
            out.add(step(n, path));
            stepIndexes.add(i);
        }
        return out;
    }

    StepDefinition step(JsonNode n, String path) {
        fields(n, path, STEP_FIELDS);
        String name = string(n, path, "name");
        if (name == null && !reported.contains(path + ".name")) problem(path + ".name", "required: the step's name (" + NAME_RULE + ")");
        String action = string(n, path, "action");
        if (action == null && !reported.contains(path + ".action")) problem(path + ".action", "required: the action the step runs");
        ObjectNode config = null;
        JsonNode c = get(n, "config");
        if (c != null) {
            if (c.isObject()) config = (ObjectNode) normalize(c);
            else wrongType(path + ".config", "a mapping (the action's settings)", c);
        }
        List<String> depends = dependencies(n, path);
        Boolean alwaysRun = bool(n, path, "always_run");
        OnError onError = null;
        String oe = string(n, path, "on_error");
        if (oe != null) {
            try {
                onError = OnError.fromWire(oe);
            } catch (IllegalArgumentException e) {
                problem(path + ".on_error", "'" + oe + "' is not one of fail, continue, retry");
            }
        }
        RetrySpec retry = retry(n, path);
        if (retry != null) {
            if (oe == null) onError = OnError.RETRY;
            else if (onError != null && onError != OnError.RETRY) {
                problem(path + ".retry", "retry applies only with on_error: retry (this step has on_error: " + onError.wireName()
                        + "); remove retry or set on_error: retry");
            }
        }
        Duration timeout = duration(n, path, "timeout", true);
        ErrorTolerance tolerance = tolerance(n, path);
        CacheSpec cache = cache(n, path);
        Integer maxChildren = integer(n, path, "max_children", 0);
        Integer maxDepth = integer(n, path, "max_depth", 0);
        return new StepDefinition(name, action, config, depends, alwaysRun != null && alwaysRun, onError, retry, timeout, tolerance,
                cache, maxChildren, maxDepth, requires(n, path));
    }

    /** {@code requires: {gpu: 1, class: io}}: capabilities the step's job needs; numbers become their text. */
    java.util.Map<String, String> requires(JsonNode n, String path) {
        JsonNode r = object(n, path, "requires", "a mapping of capability: value (e.g. gpu: 1)");
        if (r == null) return null;
        java.util.Map<String, Object> pairs = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, JsonNode> e : r.properties()) {
            JsonNode v = e.getValue();
            if (!v.isTextual() && !v.isNumber()) {
                wrongType(path + ".requires." + e.getKey(), "a string or a number", v);
                return null;
            }
            pairs.put(e.getKey(), v.asText());
        }
        try {
            return io.ordo.core.model.Capabilities.of(pairs, path + ".requires").asMap();
        } catch (io.ordo.core.InvalidRequestException e) {
            problem(path + ".requires", e.getMessage().substring(e.getMessage().indexOf(": ") + 2));
            return null;
        }
    }

    List<String> dependencies(JsonNode n, String path) {
        JsonNode d = get(n, "depends");
        if (d == null) return List.of();
        String field = path + ".depends";
        if (d.isTextual()) return List.of(d.asText());
        if (!d.isArray()) {
            wrongType(field, "a step name or a list of step names", d);
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            JsonNode e = d.get(i);
            if (e.isTextual()) out.add(e.asText());
            else wrongType(field + "[" + i + "]", "a step name (a string)", e);
        }
        return out;
    }

    RetrySpec retry(JsonNode n, String path) {
        JsonNode r = object(n, path, "retry", "a mapping (max_attempts, backoff)");
        if (r == null) return null;
        String p = path + ".retry";
        fields(r, p, RETRY_FIELDS);
        Integer max = integer(r, p, "max_attempts", 1);
        Duration backoff = duration(r, p, "backoff", false);
        return new RetrySpec(max == null ? RetrySpec.DEFAULT.maxAttempts() : max, backoff == null ? RetrySpec.DEFAULT.backoff() : backoff);
    }

    ErrorTolerance tolerance(JsonNode n, String path) {
        JsonNode t = object(n, path, "error_tolerance", "a mapping (max_child_failures, action)");
        if (t == null) return null;
        String p = path + ".error_tolerance";
        fields(t, p, TOLERANCE_FIELDS);
        Integer max = integer(t, p, "max_child_failures", 1);
        if (max == null && !reported.contains(p + ".max_child_failures")) {
            problem(p + ".max_child_failures", "required: how many failed children the step tolerates (>= 1)");
        }
        ChildPolicy.Action action = ChildPolicy.Action.STOP_ALL;
        String a = string(t, p, "action");
        if (a != null) {
            try {
                action = ChildPolicy.Action.fromWire(a);
            } catch (InvalidRequestException e) {
                problem(p + ".action", "'" + a + "' is not one of stop_all, continue, mark_warning");
            }
        }
        return max == null ? null : new ErrorTolerance(max, action);
    }

    CacheSpec cache(JsonNode n, String path) {
        JsonNode c = object(n, path, "cache", "a mapping (key, ttl)");
        if (c == null) return null;
        String p = path + ".cache";
        fields(c, p, CACHE_FIELDS);
        String key = string(c, p, "key");
        if ((key == null || key.isBlank()) && !reported.contains(p + ".key")) problem(p + ".key", "required: the cache key (may use {variables})");
        Duration ttl = duration(c, p, "ttl", true);
        if (ttl == null && !reported.contains(p + ".ttl")) problem(p + ".ttl", "required: how long a cached result is reused, e.g. 1h");
        return key == null || key.isBlank() || ttl == null ? null : new CacheSpec(key, ttl);
    }

    // ---- typed fields ---------------------------------------------------------------------------

    /** Reports fields not in {@code allowed}, suggesting the closest allowed name. */
    void fields(JsonNode obj, String path, Set<String> allowed) {
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (allowed.contains(name)) continue;
            String suggestion = closest(name, allowed);
            problem(join(path, name), "unknown field '" + name + "'" + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)")
                    + "; allowed: " + String.join(", ", allowed));
        }
    }

    static JsonNode get(JsonNode obj, String name) {
        JsonNode v = obj.get(name);
        return v == null || v.isNull() || v.isMissingNode() ? null : v;
    }

    JsonNode object(JsonNode obj, String path, String name, String expected) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        if (!v.isObject()) {
            wrongType(join(path, name), expected, v);
            return null;
        }
        return v;
    }

    String string(JsonNode obj, String path, String name) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        if (!v.isTextual()) {
            wrongType(join(path, name), "a string", v);
            return null;
        }
        return v.asText();
    }

    Boolean bool(JsonNode obj, String path, String name) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        if (!v.isBoolean()) {
            wrongType(join(path, name), "true or false", v);
            return null;
        }
        return v.asBoolean();
    }

    Integer integer(JsonNode obj, String path, String name, int min) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        String field = join(path, name);
        if (!v.isIntegralNumber()) {
            wrongType(field, "a whole number", v);
            return null;
        }
        if (!v.canConvertToInt() || v.intValue() < min) {
            problem(field, "must be a whole number >= " + min + " (got " + v.asText() + ")");
            return null;
        }
        return v.intValue();
    }

    Duration duration(JsonNode obj, String path, String name, boolean positive) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        String field = join(path, name);
        if (!v.isTextual()) {
            wrongType(field, "a duration string such as \"30s\", \"5m\" or \"1h30m\"", v);
            return null;
        }
        Duration d;
        try {
            d = Durations.parse(field, v.asText());
        } catch (InvalidRequestException e) {
            String m = e.getMessage();
            problem(field, m.startsWith(field + ": ") ? m.substring(field.length() + 2) : m);
            return null;
        }
        if (positive && d.isZero()) {
            problem(field, "must be longer than 0 (got '" + v.asText() + "')");
            return null;
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            problem(field, "must be at most 36500d (got '" + v.asText() + "')");
            return null;
        }
        return d;
    }

    List<String> strings(JsonNode obj, String path, String name, boolean allowSingle) {
        JsonNode v = get(obj, name);
        if (v == null) return List.of();
        String field = join(path, name);
        if (allowSingle && v.isTextual()) return List.of(v.asText());
        if (!v.isArray()) {
            wrongType(field, "a list of strings", v);
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (v.get(i).isTextual()) out.add(v.get(i).asText());
            else wrongType(field + "[" + i + "]", "a string", v.get(i));
        }
        return out;
    }

    void wrongType(String field, String expected, JsonNode got) {
        problem(field, "must be " + expected + " (got " + typeName(got) + ")");
    }
}
