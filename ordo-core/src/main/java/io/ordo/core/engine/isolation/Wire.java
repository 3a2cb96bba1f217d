package io.ordo.core.engine.isolation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.model.LogLevel;
import io.ordo.core.util.Json;

import java.time.Duration;

/**
 * The one place that builds the lines node and child exchange, one JSON object per line.
 * Node to child: the job first ({@code {"job": …}}), then at most a {@code cancel}. Child to node:
 * {@code log}, {@code progress}, {@code save_result}, and last {@code result} or {@code error}.
 */
final class Wire {
    static final String TYPE = "type";
    static final String JOB = "job";
    static final String CANCEL = "cancel";
    static final String LOG = "log";
    static final String PROGRESS = "progress";
    static final String SAVE_RESULT = "save_result";
    static final String RESULT = "result";
    static final String ERROR = "error";

    private Wire() {
    }

    private static ObjectNode message(String type) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put(TYPE, type);
        return n;
    }

    static String job(io.ordo.core.model.Job job) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.set(JOB, Json.MAPPER.valueToTree(job));
        return n.toString();
    }

    static String cancel() {
        return message(CANCEL).toString();
    }

    static String log(LogLevel level, String message) {
        ObjectNode n = message(LOG);
        n.put("level", level.name());
        n.put("message", message);
        return n.toString();
    }

    static String progress(long current, long total, String text) {
        ObjectNode n = message(PROGRESS);
        n.put("current", current);
        n.put("total", total);
        n.put("text", text);
        return n.toString();
    }

    /** {@code ttl} null: the job's result TTL applies. */
    static String saveResult(JsonNode value, String title, String reference, Duration ttl) {
        ObjectNode n = message(SAVE_RESULT);
        n.set("value", value);
        if (title != null) n.put("title", title);
        if (reference != null) n.put("reference", reference);
        if (ttl != null) n.put("ttl_ms", ttl.toMillis());
        return n.toString();
    }

    static String result(JsonNode value) {
        ObjectNode n = message(RESULT);
        n.set("value", value);
        return n.toString();
    }

    /**
     * @param described the failure as the node words an in-process one (class, message, cause)
     * @param permanent the handler threw {@link io.ordo.core.handler.PermanentFailure}: no retry
     */
    static String error(String className, String described, boolean permanent) {
        ObjectNode n = message(ERROR);
        n.put("class", className);
        n.put("message", described);
        n.put("permanent", permanent);
        return n.toString();
    }

    static JsonNode parse(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("not a protocol line: " + abbreviate(line), e);
        }
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** {@code null} and JSON null read as absent. */
    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
