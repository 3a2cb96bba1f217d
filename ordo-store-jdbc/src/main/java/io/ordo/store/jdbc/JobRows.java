package io.ordo.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.LogLevel;
import io.ordo.core.model.NewJob;
import io.ordo.core.util.Json;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Reading job and log rows, and the JSON columns' text. */
final class JobRows {
    private static final List<String> COLUMN_NAMES = List.of("id", "type", "queue", "priority", "payload", "status",
            "attempt", "max_attempts", "run_at", "lease_owner", "lease_until", "timeout_ms", "parent_id", "root_id",
            "definition_id", "step", "depth", "progress_current", "progress_total", "progress_text", "result",
            "result_expires_at", "result_ttl_ms", "error", "errors", "unique_key", "cache_key", "tags",
            "backoff_base_ms", "backoff_cap_ms", "cancel_requested", "created_at", "started_at", "finished_at", "updated_at",
            "scope_id", "dedup_key", "child_policy", "spawned", "meta", "webhook_url", "requires");
    /** Every column of a job, for SELECT and RETURNING. */
    static final String COLUMNS = String.join(", ", COLUMN_NAMES);
    static final String LOG_COLUMNS = "seq, job_id, attempt, at, level, message";

    private static final TypeReference<List<AttemptError>> ERRORS = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private JobRows() {
    }

    /** Every column of a job prefixed with a table alias. */
    static String columns(String alias) {
        return COLUMN_NAMES.stream().map(c -> alias + "." + c).collect(Collectors.joining(", "));
    }

    static Job job(ResultSet rs, SqlDialect d) throws SQLException {
        return new Job(d.getId(rs, "id"), rs.getString("type"), rs.getString("queue"), rs.getInt("priority"),
                json(rs.getString("payload")), JobStatus.fromWire(rs.getString("status")), rs.getInt("attempt"),
                rs.getInt("max_attempts"), d.getTime(rs, "run_at"), rs.getString("lease_owner"),
                d.getTime(rs, "lease_until"), millis(rs, "timeout_ms"), d.getId(rs, "parent_id"), d.getId(rs, "root_id"),
                rs.getString("definition_id"), rs.getString("step"), rs.getInt("depth"), rs.getLong("progress_current"),
                rs.getLong("progress_total"), rs.getString("progress_text"), json(rs.getString("result")),
                d.getTime(rs, "result_expires_at"), millis(rs, "result_ttl_ms"), rs.getString("error"),
                read(rs.getString("errors"), ERRORS), rs.getString("unique_key"), rs.getString("cache_key"),
                read(rs.getString("tags"), STRINGS), millis(rs, "backoff_base_ms"), millis(rs, "backoff_cap_ms"),
                rs.getBoolean("cancel_requested"), d.getTime(rs, "created_at"), d.getTime(rs, "started_at"),
                d.getTime(rs, "finished_at"), d.getTime(rs, "updated_at"), d.getId(rs, "scope_id"), rs.getString("dedup_key"),
                policy(rs.getString("child_policy")), rs.getInt("spawned"), meta(rs.getString("meta")),
                rs.getString("webhook_url"), rs.getString("requires"));
    }

    /**
     * True when an insert of {@code n} needs none of the tree columns (scope, dedup key, child policy,
     * meta, the result, error and times of a job recorded in a final state, a webhook URL, requirements): a plain job, whose
     * insert statement stays as narrow as it was before trees.
     */
    static boolean plain(NewJob n) {
        return (n.status() == JobStatus.PENDING || n.status() == JobStatus.SCHEDULED) && n.scopeId() == null
                && n.dedupKey() == null && n.childPolicy() == null && n.result() == null && n.error() == null
                && n.meta().isEmpty() && n.webhookUrl() == null && n.requires().isEmpty();
    }

    static String policyText(ChildPolicy p) {
        return p == null ? null : Json.write(p);
    }

    private static ChildPolicy policy(String text) throws SQLException {
        if (text == null) return null;
        try {
            return Json.MAPPER.readValue(text, ChildPolicy.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored child policy is not readable: " + e.getOriginalMessage(), e);
        }
    }

    /** The meta column as text to bind: null for an empty object (the column's default). */
    static String metaText(JsonNode meta) {
        return meta == null || !meta.isObject() || meta.isEmpty() ? null : Json.write(meta);
    }

    private static JsonNode meta(String text) throws SQLException {
        // nearly every job's meta is empty: no parse on the claim path
        if (text == null || text.equals("{}")) return Json.MAPPER.createObjectNode();
        return json(text);
    }

    static JobLog log(ResultSet rs, SqlDialect d) throws SQLException {
        return new JobLog(rs.getLong("seq"), d.getId(rs, "job_id"), rs.getInt("attempt"), d.getTime(rs, "at"),
                LogLevel.fromWire(rs.getString("level")), rs.getString("message"));
    }

    /** The row an insert of {@code n} creates, as SQLite stores it (times in milliseconds). */
    static Job inserted(NewJob n) {
        return stored(n).toJob();
    }

    /** {@code n} with its times and durations at the stored (millisecond) precision. */
    static NewJob stored(NewJob n) {
        return new NewJob(n.id(), n.type(), n.queue(), n.priority(), n.payload(), n.status(), n.maxAttempts(),
                SqlDialect.ms(n.runAt()), millisOnly(n.timeout()), n.parentId(), n.rootId(), n.definitionId(), n.step(),
                n.depth(), millisOnly(n.resultTtl()), n.uniqueKey(), n.cacheKey(), n.tags(), millisOnly(n.backoffBase()),
                millisOnly(n.backoffCap()), SqlDialect.ms(n.createdAt()), n.scopeId(), n.dedupKey(), n.childPolicy(),
                n.result(), n.error(), n.meta().isObject() ? n.meta() : null, n.webhookUrl(), n.requires());
    }

    static Long toMillis(Duration d) {
        return d == null ? null : d.toMillis();
    }

    private static Duration millisOnly(Duration d) {
        return d == null ? null : Duration.ofMillis(d.toMillis());
    }

    private static Duration millis(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Duration.ofMillis(v);
    }

    static String text(JsonNode n) {
        return n == null ? null : Json.write(n);
    }

    static JsonNode json(String text) throws SQLException {
        if (text == null) return null;
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored JSON is not readable: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> List<T> read(String text, TypeReference<List<T>> type) throws SQLException {
        if (text == null) return List.of();
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored JSON is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
