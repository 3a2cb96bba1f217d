package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.definition.ApplyResult;
import io.ordo.core.definition.DefinitionParser;
import io.ordo.core.definition.DefinitionParser.Format;
import io.ordo.core.definition.Definitions;
import io.ordo.core.definition.StoredDefinition;
import io.ordo.core.model.Job;

import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/jobs/definitions} (DESIGN.md §5). Registered before the {@code /api/jobs/{id}} routes
 * so that {@code definitions} is never taken for a job id.
 *
 * <ul>
 * <li>{@code GET /api/jobs/definitions} → 200 {@code {definitions: [summary]}}, each with {@code next_run_at}
 *     and {@code last_run}</li>
 * <li>{@code GET /api/jobs/definitions/{id}/runs?limit=&cursor=} → 200 {@code {jobs, next_cursor}}: its runs, newest first</li>
 * <li>{@code POST /api/jobs/definitions} (body below) → 201 full definition + {@code change: "created"};
 *     409 {@code conflict} ({@code details: {id, version}}) when the id exists (use PUT to replace)</li>
 * <li>{@code GET /api/jobs/definitions/{id}} → 200 full definition; 404</li>
 * <li>{@code PUT /api/jobs/definitions/{id}} (body below) → 201 created / 200 {@code change: updated|unchanged};
 *     the definition's id must be {@code {id}}</li>
 * <li>{@code DELETE /api/jobs/definitions/{id}} → 200 {@code {id, deleted: true}}; 404 (runs already started go on)</li>
 * <li>{@code POST /api/jobs/definitions/{id}/execute} → 202 {@code {job_id, status, status_url, definition_id, version}};
 *     404; 409 when a run is still going and the definition does not allow overlap</li>
 * <li>{@code POST /api/jobs/definitions/validate} (body below) → 200 {@code {valid, problems, definition}}
 *     ({@code definition}: the parsed definition as JSON, null when invalid); nothing is stored</li>
 * </ul>
 *
 * <p>Body of create, replace and validate, one of:
 * <ul>
 * <li>{@code {"source": "<YAML, TOML or JSON text>", "file": "site-docs.yaml", "format": "yaml"}}: the
 *     text of a definition file. The format is {@code format} ({@code yaml}, {@code toml}, {@code json})
 *     or else {@code file}'s extension; {@code file} (default {@code request}) names the text in problems.
 *     The text is stored as the definition's source.</li>
 * <li>{@code {"definition": {…}, "file": "…"}}: the definition as a JSON object (the fields of the YAML,
 *     as {@code GET} returns them); stored with format {@code json}.</li>
 * </ul>
 * An invalid definition is answered 422 {@code invalid_definition} with {@code details.problems}:
 * {@code [{file, field, message}]}; nothing is stored. A body of the wrong shape is 400.
 */
public final class DefinitionRoutes implements RouteGroup {
    static final Set<String> BODY_FIELDS = Set.of("source", "definition", "file", "format");
    private static final String DEFAULT_FILE = "request";

    private final Definitions definitions;
    private final int maxBodyBytes;

    public DefinitionRoutes(Definitions definitions, int maxBodyBytes) {
        this.definitions = definitions;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/jobs/definitions", this::list);
        routes.post("/api/jobs/definitions", this::create);
        routes.post("/api/jobs/definitions/validate", this::validate);
        routes.get("/api/jobs/definitions/{id}", this::get);
        routes.put("/api/jobs/definitions/{id}", this::replace);
        routes.delete("/api/jobs/definitions/{id}", this::delete);
        routes.post("/api/jobs/definitions/{id}/execute", this::execute);
        routes.get("/api/jobs/definitions/{id}/runs", this::runs);
    }

    /** A definition text from a request body, its format and the name to use in problems. */
    record Body(String file, Format format, String text) {
    }

    static Body body(JsonNode json) {
        JsonFields f = JsonFields.of(json, "request body", "", BODY_FIELDS);
        String file = f.string("file");
        String formatName = f.string("format");
        boolean hasSource = f.has("source");
        boolean hasDefinition = f.has("definition");
        if (hasSource == hasDefinition) {
            throw ApiError.badRequest(hasSource
                    ? "send either 'source' or 'definition', not both"
                    : "send the definition as 'source' (its YAML, TOML or JSON text, with 'file' or 'format') or as 'definition' (a JSON object)");
        }
        Optional<Format> format = Optional.empty();
        if (formatName != null) {
            format = Format.ofName(formatName);
            if (format.isEmpty()) {
                throw ApiError.badField("format", "field 'format' must be one of yaml, toml, json (got '" + formatName + "')");
            }
        }
        if (hasDefinition) {
            JsonNode def = f.any("definition");
            if (!def.isObject()) throw ApiError.wrongType("definition", "an object", JsonFields.typeName(def));
            if (format.isPresent() && format.get() != Format.JSON) {
                throw ApiError.badField("format", "field 'format' must be json (or left out) with 'definition'");
            }
            return new Body(file == null ? DEFAULT_FILE : file, Format.JSON, ApiJson.pretty(def));
        }
        String source = f.string("source");
        if (format.isEmpty()) format = Format.ofFileName(file);
        if (format.isEmpty()) {
            throw ApiError.badField(file == null ? "format" : "file", "say the format of 'source': give 'format' (yaml, toml or json)"
                    + " or a 'file' name ending in .yaml, .yml, .toml or .json" + (file == null ? "" : " (got '" + file + "')"));
        }
        return new Body(file == null ? DEFAULT_FILE : file, format.get(), source);
    }

    private void list(Context ctx) {
        QueryParams.of(ctx, Set.of());
        JobRoutes.send(ctx, 200, DefinitionJson.list(definitions.list(), this::schedule));
    }

    private void get(Context ctx) {
        QueryParams.of(ctx, Set.of());
        StoredDefinition d = definitions.require(ctx.pathParam("id"));
        JobRoutes.send(ctx, 200, DefinitionJson.full(d, schedule(d)));
    }

    /** When it runs next and how it ran last. */
    private DefinitionJson.Schedule schedule(StoredDefinition d) {
        return new DefinitionJson.Schedule(definitions.nextRunAt(d).orElse(null), definitions.lastRun(d.id()).orElse(null));
    }

    /** {@code GET /api/jobs/definitions/{id}/runs?limit=&cursor=} → {@code {jobs, next_cursor}}: its runs, newest first (also of a deleted definition). */
    private void runs(Context ctx) {
        QueryParams q = QueryParams.of(ctx, QueryParams.PAGE);
        int limit = q.limit(20);
        JobRoutes.send(ctx, 200, JobJson.page(definitions.runs(ctx.pathParam("id"), q.cursor(), limit)));
    }

    private void create(Context ctx) {
        Body b = body(RequestBodies.json(ctx, maxBodyBytes));
        ApplyResult r = definitions.create(b.file(), b.format(), b.text());
        ctx.header("Location", DefinitionJson.url(r.definition().id()));
        JobRoutes.send(ctx, 201, DefinitionJson.applied(r, schedule(r.definition())));
    }

    private void replace(Context ctx) {
        String id = ctx.pathParam("id");
        Body b = body(RequestBodies.json(ctx, maxBodyBytes));
        ApplyResult r = definitions.replace(id, b.file(), b.format(), b.text());
        if (r.change() == ApplyResult.Change.CREATED) ctx.header("Location", DefinitionJson.url(r.definition().id()));
        JobRoutes.send(ctx, r.change() == ApplyResult.Change.CREATED ? 201 : 200, DefinitionJson.applied(r, schedule(r.definition())));
    }

    private void delete(Context ctx) {
        String id = ctx.pathParam("id");
        if (!definitions.delete(id)) throw new JobNotFoundException("job definition '" + id + "' not found");
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", id);
        o.put("deleted", true);
        JobRoutes.send(ctx, 200, o);
    }

    private void execute(Context ctx) {
        String id = ctx.pathParam("id");
        Job run = definitions.run(id);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("job_id", run.id().toString());
        o.put("status", run.status().wireName());
        o.put("status_url", JobJson.statusUrl(run.id()));
        o.put("definition_id", id);
        o.put("version", run.payload() == null ? 0 : run.payload().path("version").asInt());
        ctx.header("Location", JobJson.statusUrl(run.id()));
        JobRoutes.send(ctx, 202, o);
    }

    private void validate(Context ctx) {
        Body b = body(RequestBodies.json(ctx, maxBodyBytes));
        Definitions.Checked c = definitions.check(b.file(), b.format(), b.text());
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("valid", c.valid());
        o.set("problems", DefinitionJson.problems(c.problems()));
        o.set("definition", c.valid() ? DefinitionParser.toJson(c.definition()) : JsonNodeFactory.instance.nullNode());
        JobRoutes.send(ctx, 200, o);
    }
}
