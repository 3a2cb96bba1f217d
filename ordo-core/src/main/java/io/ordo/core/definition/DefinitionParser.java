package io.ordo.core.definition;

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

/**
 * Reads job definitions (DESIGN.md §5) from YAML ({@code .yaml}, {@code .yml}), TOML ({@code .toml})
 * or JSON ({@code .json}) text. Jackson's YAML, TOML and JSON readers turn the text into a tree;
 * this class then builds the {@link JobDefinition} field by field so that it can report every
 * problem of the file with its field path, not only the first: unknown fields (by name, with the
 * allowed ones), values of the wrong type, bad durations, bad enum values, bad numbers.
 *
 * <p>What needs the whole definition or the node (unknown actions and dependencies, cycles, cron,
 * variables, action configs) is checked by {@link DefinitionValidator}; {@link Definitions} runs both.
 *
 * <p>Conventions: durations are strings in Ordo's format ({@code 500ms}, {@code 30m}, {@code 1h30m},
 * {@code PT10S}); {@code depends} may be one step name instead of a list; a step with a {@code retry}
 * block and no {@code on_error} gets {@code on_error: retry} (as in DESIGN.md §5's example), while
 * {@code retry} next to {@code on_error: fail} or {@code continue} is an error (it would be ignored).
 */
public final class DefinitionParser {
    /** Longest definition text read (characters). */
    public static final int MAX_TEXT = 1_000_000;
    /** Deepest nesting of a definition (step configs included). */
    public static final int MAX_NESTING = 100;
    /** Most steps in one definition. */
    public static final int MAX_STEPS = 1000;
    /** Longest duration accepted (100 years), as elsewhere in Ordo. */
    static final Duration MAX_DURATION = Duration.ofDays(36_500);

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");
    static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final String NAME_RULE = "use 1-128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit";

    static final Set<String> TOP_FIELDS = ordered("id", "name", "description", "schedule", "timezone", "timeout", "enabled", "tags", "config",
            "allow_overlap", "webhook_url", "steps");
    static final Set<String> STEP_FIELDS = ordered("name", "action", "config", "depends", "always_run", "on_error", "retry", "timeout",
            "error_tolerance", "cache", "max_children", "max_depth", "requires");
    static final Set<String> RETRY_FIELDS = ordered("max_attempts", "backoff");
    static final Set<String> TOLERANCE_FIELDS = ordered("max_child_failures", "action");
    static final Set<String> CACHE_FIELDS = ordered("key", "ttl");

    /** The text formats of definitions. */
    public enum Format {
        YAML, TOML, JSON;

        /** The name stored with a definition: {@code yaml}, {@code toml} or {@code json}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The format a file name's extension says ({@code .yaml .yml .toml .json}), if any. */
        public static Optional<Format> ofFileName(String fileName) {
            if (fileName == null) return Optional.empty();
            String n = fileName.toLowerCase(Locale.ROOT);
            if (n.endsWith(".yaml") || n.endsWith(".yml")) return Optional.of(YAML);
            if (n.endsWith(".toml")) return Optional.of(TOML);
            if (n.endsWith(".json")) return Optional.of(JSON);
            return Optional.empty();
        }

        /** {@code yaml}, {@code yml}, {@code toml} or {@code json} (any case). */
        public static Optional<Format> ofName(String name) {
            if (name == null) return Optional.empty();
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "yaml", "yml" -> Optional.of(YAML);
                case "toml" -> Optional.of(TOML);
                case "json" -> Optional.of(JSON);
                default -> Optional.empty();
            };
        }
    }

    /**
     * The outcome of parsing one text.
     *
     * @param definition   the definition as far as it could be read (null when the text is not even a
     *                     mapping); fields with problems are left out
     * @param problems     what is wrong, in file order
     * @param stepIndexes  for each step of {@code definition}, its index in the file (steps that are not
     *                     mappings are left out of the definition)
     * @param reported     the field paths that already have a problem (the validator does not repeat them)
     */
    public record Result(String file, Format format, JobDefinition definition, List<Problem> problems, List<Integer> stepIndexes,
                         Set<String> reported) {
        public Result {
            problems = List.copyOf(problems);
            stepIndexes = List.copyOf(stepIndexes);
            reported = Set.copyOf(reported);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .streamReadConstraints(constraints()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper TOML = TomlMapper.builder(TomlFactory.builder()
                    .streamReadConstraints(constraints()).build())
            .build();
    private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(constraints()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private static StreamReadConstraints constraints() {
        return StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build();
    }

    /** Parses {@code text}, in the format {@code file}'s extension says. */
    public Result parse(String file, String text) {
        Optional<Format> format = Format.ofFileName(file);
        if (format.isEmpty()) {
            return failed(file, null, new Problem(file, null, "unsupported file type: name definition files *.yaml, *.yml or *.toml (or *.json)"));
        }
        return parse(file, format.get(), text);
    }

    /** Parses {@code text} in {@code format}; {@code file} names the input in problems. */
    public Result parse(String file, Format format, String text) {
        if (text == null || text.isBlank()) return failed(file, format, new Problem(file, null, "the definition is empty"));
        if (text.length() > MAX_TEXT) {
            return failed(file, format, new Problem(file, null, "the definition is longer than " + MAX_TEXT + " characters"));
        }
        JsonNode tree;
        try {
            tree = switch (format) {
                case YAML -> YAML.readTree(text);
                case TOML -> TOML.readTree(text);
                case JSON -> JSON.readTree(text);
            };
        } catch (JsonProcessingException e) {
            return failed(file, format, new Problem(file, null, syntax(format, e)));
        } catch (RuntimeException e) {
            // the YAML reader reports some limits (alias counts, code points) as unchecked exceptions
            return failed(file, format, new Problem(file, null, "not valid " + format.name() + ": " + firstLine(e.getMessage())));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) return failed(file, format, new Problem(file, null, "the definition is empty"));
        return parseTree(file, format, tree);
    }

    /** Builds a definition from a tree already read (e.g. the JSON of a request). */
    public Result parseTree(String file, Format format, JsonNode tree) {
        DefinitionReader r = new DefinitionReader(file);
        JobDefinition def = r.definition(tree);
        return new Result(file, format, def, r.problems, r.stepIndexes, r.reported);
    }

    private static Result failed(String file, Format format, Problem p) {
        return new Result(file, format, null, List.of(p), List.of(), Set.of());
    }

    private static String syntax(Format format, JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        msg = msg == null ? "malformed" : firstLine(msg);
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
        return "not valid " + format.name() + ": " + where + msg;
    }

    private static String firstLine(String s) {
        if (s == null) return "malformed";
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }

    // ---- writing ------------------------------------------------------------------------------------

    /**
     * A definition as the JSON a user would write (snake_case, durations like {@code "30m"}, enum
     * values in lower case, defaults left out): the {@code definition} of the REST API, which can be
     * sent back as JSON and parses to an equal definition.
     */
    public static ObjectNode toJson(JobDefinition d) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("id", d.id());
        if (d.name() != null) o.put("name", d.name());
        if (d.description() != null) o.put("description", d.description());
        if (d.schedule() != null) o.put("schedule", d.schedule());
        if (d.timezone() != null) o.put("timezone", d.timezone());
        if (d.timeout() != null) o.put("timeout", Durations.format(d.timeout()));
        if (!d.enabled()) o.put("enabled", false);
        if (!d.tags().isEmpty()) d.tags().forEach(o.putArray("tags")::add);
        if (!d.config().isEmpty()) {
            ObjectNode c = o.putObject("config");
            new TreeSet<>(d.config().keySet()).forEach(k -> c.set(k, d.config().get(k)));
        }
        if (d.allowOverlap()) o.put("allow_overlap", true);
        if (d.webhookUrl() != null) o.put("webhook_url", d.webhookUrl());
        ArrayNode steps = o.putArray("steps");
        for (StepDefinition s : d.steps()) {
            ObjectNode so = steps.addObject();
            so.put("name", s.name());
            so.put("action", s.action());
            if (s.config() != null) so.set("config", s.config());
            if (!s.depends().isEmpty()) s.depends().forEach(so.putArray("depends")::add);
            if (s.alwaysRun()) so.put("always_run", true);
            if (s.onError() != OnError.FAIL) so.put("on_error", s.onError().wireName());
            if (s.retry() != null) {
                ObjectNode ro = so.putObject("retry");
                ro.put("max_attempts", s.retry().maxAttempts());
                if (s.retry().backoff() != null) ro.put("backoff", Durations.format(s.retry().backoff()));
            }
            if (s.timeout() != null) so.put("timeout", Durations.format(s.timeout()));
            if (s.errorTolerance() != null) {
                ObjectNode to = so.putObject("error_tolerance");
                to.put("max_child_failures", s.errorTolerance().maxChildFailures());
                if (s.errorTolerance().action() != null) to.put("action", s.errorTolerance().action().wireName());
            }
            if (s.cache() != null) {
                ObjectNode co = so.putObject("cache");
                co.put("key", s.cache().key());
                if (s.cache().ttl() != null) co.put("ttl", Durations.format(s.cache().ttl()));
            }
            if (s.maxChildren() != null) so.put("max_children", s.maxChildren());
            if (s.maxDepth() != null) so.put("max_depth", s.maxDepth());
            if (s.requires() != null) s.requires().forEach(so.putObject("requires")::put);
        }
        return o;
    }

    // ---- reading ------------------------------------------------------------------------------------


    /**
     * The value as the engine's JSON mapper would read it back from the store: YAML and TOML
     * readers pick different node classes for the same number (TOML integers are longs, YAML's are
     * ints when they fit), so definitions read from either format compare equal.
     */
    static JsonNode normalize(JsonNode n) {
        try {
            return Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(n));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot copy a parsed tree", e);
        }
    }

    static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String typeName(JsonNode v) {
        if (v == null || v.isMissingNode()) return "nothing";
        JsonNodeType t = v.getNodeType();
        return switch (t) {
            case ARRAY -> "a list";
            case OBJECT, POJO -> "a mapping";
            case STRING -> "the string '" + abbreviate(v.asText()) + "'";
            case NUMBER -> v.isIntegralNumber() ? "the number " + v.asText() : "the number " + v.asText();
            case BOOLEAN -> v.asText();
            case NULL -> "null";
            default -> t.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** The allowed name within edit distance 2 of {@code name}, if one. */
    static String closest(String name, Set<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = distance(name.toLowerCase(Locale.ROOT), a);
            if (d < bestDistance) {
                bestDistance = d;
                best = a;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static Set<String> ordered(String... names) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(names)));
    }
}
