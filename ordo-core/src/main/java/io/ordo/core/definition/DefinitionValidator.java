package io.ordo.core.definition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.action.StepAction;
import io.ordo.core.util.Json;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * Checks a parsed {@link JobDefinition} as a whole and against the step actions this node knows:
 * the id, at least one step, step names (format, duplicates), actions (known here), dependencies
 * (known steps, no cycles), the cron schedule, {@code {variable}} references in step configs and
 * cache keys (defined in {@code config}), and each step's config as its action checks it (after
 * substituting the definition's variables). Every problem is reported, with its field path.
 */
public final class DefinitionValidator {
    private static final Pattern REF = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)}");
    /** An action's message naming a config field: {@code config.url: required}. */
    private static final Pattern CONFIG_FIELD = Pattern.compile("^config\\.([^:\\s]+):\\s*(.*)$", Pattern.DOTALL);
    /** A job handler's message naming a payload field: {@code sleep: payload field 'ms' must be ...}. */
    private static final Pattern PAYLOAD_FIELD = Pattern.compile("(?:payload|config) field '([^']+)'");

    private final Map<String, StepAction> actions;

    /** @param actions the step actions by name (a live view is fine: each call reads it) */
    public DefinitionValidator(Map<String, StepAction> actions) {
        this.actions = actions;
    }

    /** Every problem of {@code def}; empty when it is valid. */
    public List<Problem> validate(String file, JobDefinition def) {
        return validate(file, def, IntStream.range(0, def.steps().size()).boxed().toList(), Set.of());
    }

    /**
     * @param stepIndexes the index in the file of each step (when the parser left some out)
     * @param reported    fields the parser reported already: not checked again
     */
    List<Problem> validate(String file, JobDefinition def, List<Integer> stepIndexes, Set<String> reported) {
        Check c = new Check(file, reported);
        checkId(c, def);
        if (def.schedule() != null && !reported.contains("schedule")) checkSchedule(c, def.schedule());
        if (def.timezone() != null && !reported.contains("timezone")) checkZone(c, def.timezone());
        if (def.steps().isEmpty() && !reported.contains("steps")) c.problem("steps", "a definition needs at least one step");

        // names first: dependencies refer to them
        Map<String, Integer> firstByName = new HashMap<>();
        for (int i = 0; i < def.steps().size(); i++) {
            StepDefinition s = def.steps().get(i);
            String path = "steps[" + stepIndexes.get(i) + "]";
            if (s.name() == null) {
                c.problem(path + ".name", "required: the step's name (" + DefinitionParser.NAME_RULE + ")");
                continue;
            }
            if (!DefinitionParser.NAME.matcher(s.name()).matches()) {
                c.problem(path + ".name", "'" + s.name() + "' is not a valid step name: " + DefinitionParser.NAME_RULE);
            }
            Integer first = firstByName.putIfAbsent(s.name(), i);
            if (first != null) {
                c.problem(path + ".name", "duplicate step name '" + s.name() + "' (also steps[" + stepIndexes.get(first) + "])");
            }
        }
        String stepNames = def.steps().stream().map(StepDefinition::name).filter(n -> n != null).distinct()
                .reduce((a, b) -> a + ", " + b).orElse("none");

        for (int i = 0; i < def.steps().size(); i++) {
            StepDefinition s = def.steps().get(i);
            String path = "steps[" + stepIndexes.get(i) + "]";
            for (int k = 0; k < s.depends().size(); k++) {
                String dep = s.depends().get(k);
                if (!firstByName.containsKey(dep)) c.problem(path + ".depends[" + k + "]", "unknown step '" + dep + "' (steps: " + stepNames + ")");
            }
            checkAction(c, def, s, path);
        }
        checkCycles(c, def, stepIndexes, firstByName);
        return c.problems;
    }

    private static void checkId(Check c, JobDefinition def) {
        if (c.reported.contains("id")) return;
        if (def.id() == null) c.problem("id", "required: the definition's id (" + DefinitionParser.NAME_RULE + ")");
        else if (!DefinitionParser.NAME.matcher(def.id()).matches()) {
            c.problem("id", "'" + def.id() + "' is not a valid id: " + DefinitionParser.NAME_RULE);
        } else if (def.id().startsWith("schedule:")) {
            // the tick table keys schedules' ticks as schedule:<id>; a definition must not share them
            c.problem("id", "'" + def.id() + "': ids starting with 'schedule:' are kept for recurring jobs");
        }
    }

    private static void checkSchedule(Check c, String schedule) {
        if (schedule.isBlank()) {
            c.problem("schedule", "is empty: give a cron expression (minute hour day month weekday) or leave schedule out");
            return;
        }
        try {
            DefinitionScheduler.parse(schedule);
        } catch (RuntimeException e) {
            c.problem("schedule", e instanceof InvalidRequestException ? e.getMessage()
                    : "'" + schedule + "' is not a cron expression (5 fields: minute hour day month weekday): " + e.getMessage());
        }
    }

    private static void checkZone(Check c, String zone) {
        if (zone.isBlank()) {
            c.problem("timezone", "is empty: give an IANA zone such as Europe/Berlin, or leave timezone out for UTC");
            return;
        }
        try {
            io.ordo.core.schedule.CronTicks.zone(zone);
        } catch (InvalidRequestException e) {
            c.problem("timezone", "'" + zone + "' is not a known time zone (use an IANA id such as Europe/Berlin or UTC)");
        }
    }

    private void checkAction(Check c, JobDefinition def, StepDefinition s, String path) {
        String configPath = s.name() == null ? path + ".config" : "steps." + s.name() + ".config";
        Set<String> undefinedAt = new HashSet<>();
        checkVariables(c, s.config(), configPath, def.config(), undefinedAt);
        if (s.cache() != null && !c.reported.contains(path + ".cache.key")) {
            checkVariables(c, TextNode.valueOf(s.cache().key()), path + ".cache.key", def.config(), undefinedAt);
        }
        if (s.action() == null) {
            if (!c.reported.contains(path + ".action")) c.problem(path + ".action", "required: the action the step runs");
            return;
        }
        StepAction action = actions.get(s.action());
        if (action == null) {
            c.problem(path + ".action", "unknown action '" + s.action() + "' (known: "
                    + (actions.isEmpty() ? "none" : String.join(", ", new TreeSet<>(actions.keySet()))) + ")");
            return;
        }
        if (c.reported.contains(path + ".config")) return;
        // undefined variables stay as their {name} text (already reported)
        Map<String, JsonNode> vars = new HashMap<>(def.config());
        for (String ref : Variables.referenced(s.config())) vars.putIfAbsent(ref, TextNode.valueOf("{" + ref + "}"));
        JsonNode config;
        try {
            config = Variables.substitute(s.config() == null ? Json.MAPPER.createObjectNode() : s.config(), vars, configPath);
        } catch (RuntimeException e) {
            c.problem(configPath, e.getMessage());
            return;
        }
        try {
            action.validate(config);
        } catch (InvalidRequestException e) {
            String msg = e.getMessage() == null ? "rejected by action '" + s.action() + "'" : e.getMessage();
            String field = configPath;
            Matcher m = CONFIG_FIELD.matcher(msg);
            if (m.matches()) {
                field = configPath + "." + m.group(1);
                msg = m.group(2);
            } else {
                Matcher p = PAYLOAD_FIELD.matcher(msg);
                if (p.find()) field = configPath + "." + p.group(1);
            }
            if (!undefinedAt.contains(field)) c.problem(field, msg);
        } catch (RuntimeException e) {
            c.problem(configPath, "action '" + s.action() + "' could not check this config: " + e);
        }
    }

    /** Reports each {@code {name}} in {@code node} that is not a variable of the definition. */
    private static void checkVariables(Check c, JsonNode node, String path, Map<String, JsonNode> vars, Set<String> undefinedAt) {
        if (node == null) return;
        if (node.isTextual()) {
            Matcher m = REF.matcher(node.asText());
            Set<String> seen = new HashSet<>();
            while (m.find()) {
                String name = m.group(1);
                if (vars.containsKey(name) || !seen.add(name)) continue;
                c.problem(path, "undefined variable {" + name + "} (defined in config: "
                        + (vars.isEmpty() ? "none" : String.join(", ", new TreeSet<>(vars.keySet()))) + ")");
                undefinedAt.add(path);
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                checkVariables(c, e.getValue(), path + "." + e.getKey(), vars, undefinedAt);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) checkVariables(c, node.get(i), path + "[" + i + "]", vars, undefinedAt);
        }
    }

    /**
     * Reports every dependency cycle once, as {@code a -> b -> c -> a} starting from its step
     * that comes first in the file, on that step's {@code depends}.
     */
    private static void checkCycles(Check c, JobDefinition def, List<Integer> stepIndexes, Map<String, Integer> byName) {
        int n = def.steps().size();
        int[] state = new int[n]; // 0 new, 1 on the stack, 2 done
        List<Integer> stack = new ArrayList<>();
        Set<List<Integer>> reportedCycles = new HashSet<>();
        for (int start = 0; start < n; start++) {
            if (state[start] == 0 && def.steps().get(start).name() != null && byName.get(def.steps().get(start).name()) == start) {
                visit(start, def, byName, state, stack, reportedCycles, c, stepIndexes);
            }
        }
    }

    private static void visit(int i, JobDefinition def, Map<String, Integer> byName, int[] state, List<Integer> stack,
                              Set<List<Integer>> reportedCycles, Check c, List<Integer> stepIndexes) {
        state[i] = 1;
        stack.add(i);
        for (String dep : new LinkedHashSet<>(def.steps().get(i).depends())) {
            Integer j = byName.get(dep);
            if (j == null) continue;
            if (state[j] == 1) {
                List<Integer> cycle = new ArrayList<>(stack.subList(stack.indexOf(j), stack.size()));
                // a cycle found from any of its steps: rotate so that it starts at its first step in the file
                int min = cycle.indexOf(cycle.stream().min(Integer::compare).orElseThrow());
                List<Integer> rotated = new ArrayList<>(cycle.subList(min, cycle.size()));
                rotated.addAll(cycle.subList(0, min));
                if (reportedCycles.add(rotated)) {
                    // the path follows "depends on": a -> b means step a depends on step b
                    StringBuilder b = new StringBuilder("dependency cycle: ");
                    for (int k : rotated) b.append(def.steps().get(k).name()).append(" -> ");
                    b.append(def.steps().get(rotated.get(0)).name());
                    c.problem("steps[" + stepIndexes.get(rotated.get(0)) + "].depends", b.toString());
                }
            } else if (state[j] == 0) {
                visit(j, def, byName, state, stack, reportedCycles, c, stepIndexes);
            }
        }
        stack.remove(stack.size() - 1);
        state[i] = 2;
    }

    private static final class Check {
        final String file;
        final Set<String> reported;
        final List<Problem> problems = new ArrayList<>();

        Check(String file, Set<String> reported) {
            this.file = file;
            this.reported = reported;
        }

        void problem(String field, String message) {
            problems.add(new Problem(file, field, message));
        }
    }
}
