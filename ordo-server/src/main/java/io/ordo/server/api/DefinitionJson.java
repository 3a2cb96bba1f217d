package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.definition.ApplyResult;
import io.ordo.core.definition.DefinitionParser;
import io.ordo.core.definition.DefinitionRunner;
import io.ordo.core.definition.JobDefinition;
import io.ordo.core.definition.Problem;
import io.ordo.core.definition.StepDefinition;
import io.ordo.core.definition.StoredDefinition;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The wire shapes of job definitions.
 *
 * <p>Summary (in lists): {@code {id, name, description, format, version, enabled, schedule, timezone, tags,
 * steps: [step names], created_at, updated_at, next_run_at, last_run}}. Full ({@code GET /api/jobs/definitions/{id}}): the
 * summary plus {@code definition} (the definition as JSON in the same fields as the YAML/TOML, which
 * can be sent back as {@code {"definition": …}}) and {@code source} (the text as applied, in
 * {@code format}). Problems: {@code {file, field, message}} ({@code field} null for problems of the
 * whole text).
 */
public final class DefinitionJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DefinitionJson() {
    }

    public static String url(String id) {
        return "/api/jobs/definitions/" + id;
    }

    private static ObjectNode summary(StoredDefinition d) {
        ObjectNode o = NODES.objectNode();
        JobDefinition def = readable(d);
        o.put("id", d.id());
        o.put("name", d.name());
        o.put("description", def == null ? null : def.description());
        o.put("format", d.format());
        o.put("version", d.version());
        o.put("enabled", d.enabled());
        o.put("schedule", d.schedule());
        o.put("timezone", def == null || def.timezone() == null ? "UTC" : def.timezone());
        ArrayNode tags = o.putArray("tags");
        ArrayNode steps = o.putArray("steps");
        if (def != null) {
            def.tags().forEach(tags::add);
            def.steps().stream().map(StepDefinition::name).forEach(steps::add);
        }
        o.put("created_at", JobJson.time(d.createdAt()));
        o.put("updated_at", JobJson.time(d.updatedAt()));
        return o;
    }

    /**
     * What the scheduler will do and did: {@code next_run_at} (null when disabled or unscheduled) and
     * {@code last_run} ({@code {id, status, trigger, created_at, finished_at, error, warning}}, null when it never ran).
     */
    public record Schedule(Instant nextRunAt, Job lastRun) {
    }

    public static ObjectNode summary(StoredDefinition d, Schedule s) {
        ObjectNode o = summary(d);
        o.put("next_run_at", JobJson.time(s.nextRunAt()));
        Job run = s.lastRun();
        if (run == null) {
            o.putNull("last_run");
        } else {
            ObjectNode r = o.putObject("last_run");
            r.put("id", run.id().toString());
            r.put("status", run.status().wireName());
            r.put("trigger", run.payload() == null ? null : run.payload().path("trigger").asText(null));
            r.put("created_at", JobJson.time(run.createdAt()));
            r.put("finished_at", JobJson.time(run.finishedAt()));
            r.put("error", run.error());
            r.put("warning", run.warning());
        }
        return o;
    }

    public static ObjectNode full(StoredDefinition d, Schedule s) {
        ObjectNode o = summary(d, s);
        JobDefinition def = readable(d);
        o.set("definition", def == null ? d.spec() : DefinitionParser.toJson(def));
        o.put("source", d.source());
        return o;
    }

    /** The answer to create / replace: the full definition and {@code change}: created, updated or unchanged. */
    public static ObjectNode applied(ApplyResult r, Schedule s) {
        ObjectNode o = full(r.definition(), s);
        o.put("change", r.change().wireName());
        return o;
    }

    public static ObjectNode list(List<StoredDefinition> all, Function<StoredDefinition, Schedule> schedule) {
        ObjectNode o = NODES.objectNode();
        ArrayNode a = o.putArray("definitions");
        all.forEach(d -> a.add(summary(d, schedule.apply(d))));
        return o;
    }

    public static ArrayNode problems(List<Problem> problems) {
        ArrayNode a = NODES.arrayNode();
        for (Problem p : problems) {
            ObjectNode po = a.addObject();
            po.put("file", p.file());
            po.put("field", p.field());
            po.put("message", p.message());
        }
        return a;
    }

    /** Counts by status, every status present, plus {@code total}. */
    public static ObjectNode counts(Map<JobStatus, Long> m) {
        ObjectNode o = NODES.objectNode();
        long total = 0;
        for (JobStatus st : JobStatus.values()) {
            long n = m.getOrDefault(st, 0L);
            o.put(st.wireName(), n);
            total += n;
        }
        o.put("total", total);
        return o;
    }

    private static JobDefinition readable(StoredDefinition d) {
        try {
            return DefinitionRunner.definition(d);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
