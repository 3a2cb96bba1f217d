package io.ordo.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.Page;
import io.ordo.core.model.ResultScope;
import io.ordo.core.model.SavedResult;
import io.ordo.core.util.Cursors;
import io.ordo.core.util.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;

import static io.ordo.core.model.JobStatus.PENDING;
import static io.ordo.core.model.JobStatus.WAITING;

/**
 * Saved results (ordo_job_results): the fenced append, listings and counts by tree, scope or parent
 * (each through its own index), the expiry in batches, and the continuation of a waiting parent.
 */
final class ResultSql {
    private static final String COLUMNS = "r.id, r.job_id, j.type, j.step, j.status, r.title, r.reference, r.data, r.created_at, r.expires_at";

    private final SqlDialect d;
    private final String appendAt;
    private final String appendByTtl;
    private final Map<ResultScope.Kind, String> page = new EnumMap<>(ResultScope.Kind.class);
    private final Map<ResultScope.Kind, String> count = new EnumMap<>(ResultScope.Kind.class);
    private final String deleteExpired;
    private final String resume;

    ResultSql(SqlDialect d) {
        this.d = d;
        String insert = "INSERT INTO {results} (job_id, root_id, parent_id, scope_id, title, reference, data, created_at, expires_at) "
                + "SELECT id, root_id, parent_id, scope_id, ?, ?, " + d.json() + ", ?, ";
        String fenced = " FROM {jobs} WHERE " + LeaseWrites.FENCE + " RETURNING id";
        appendAt = d.sql(insert + "?" + fenced);
        // no expiry given: the job's result TTL from now (none: it never expires)
        appendByTtl = d.sql(insert + "CASE WHEN result_ttl_ms IS NULL THEN NULL ELSE " + d.plusMillis("?", "result_ttl_ms") + " END" + fenced);
        for (ResultScope.Kind k : ResultScope.Kind.values()) {
            page.put(k, d.sql("SELECT " + COLUMNS + " FROM {results} r JOIN {jobs} j ON j.id = r.job_id WHERE " + where(k)
                    + " AND r.id < ? ORDER BY r.id DESC LIMIT ?"));
            count.put(k, d.sql("SELECT count(*) FROM {results} r WHERE " + where(k)));
        }
        deleteExpired = d.sql("DELETE FROM {results} WHERE id IN (SELECT id FROM {results} WHERE expires_at IS NOT NULL "
                + "AND expires_at <= ? ORDER BY expires_at LIMIT ?)");
        resume = d.sql("UPDATE {jobs} SET meta = " + d.mergeObject("meta") + ", status = 'pending', run_at = ?, "
                + "max_attempts = max_attempts + 1, updated_at = ? WHERE id = ? AND "
                + Guards.into("status", PENDING, WAITING) + " RETURNING queue");
    }

    /** The listing statement of a scope (for plan tests). */
    String pageSql(ResultScope.Kind kind) {
        return page.get(kind);
    }

    /** The count statement of a scope (for plan tests). */
    String countSql(ResultScope.Kind kind) {
        return count.get(kind);
    }

    /** The condition of a scope; each form has one bound id (CHILDREN binds it twice). */
    private static String where(ResultScope.Kind k) {
        return switch (k) {
            case TREE -> "r.root_id = ?";
            case SCOPE -> "r.scope_id = ?";
            case CHILDREN -> "(r.job_id = ? OR r.parent_id = ?)";
        };
    }

    private int bindScope(PreparedStatement ps, ResultScope s) throws SQLException {
        d.setId(ps, 1, s.id());
        if (s.kind() != ResultScope.Kind.CHILDREN) return 2;
        d.setId(ps, 2, s.id());
        return 3;
    }

    /** Inserts the row if the lease is held; the caller sets the job's main result in the same transaction. */
    OptionalLong append(Connection c, Lease lease, JsonNode data, String title, String reference, Instant expiresAt, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(expiresAt != null ? appendAt : appendByTtl)) {
            ps.setString(1, title);
            ps.setString(2, reference);
            ps.setString(3, JobRows.text(data));
            d.setTime(ps, 4, now);
            d.setTime(ps, 5, expiresAt != null ? expiresAt : now);
            d.setId(ps, 6, lease.jobId());
            ps.setString(7, lease.owner());
            ps.setInt(8, lease.attempt());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    Page<SavedResult> page(Connection c, ResultScope scope, String cursor, int limit) throws SQLException {
        long before = Cursors.decodeSeq(cursor);
        List<SavedResult> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(page.get(scope.kind()))) {
            int i = bindScope(ps, scope);
            ps.setLong(i++, before);
            ps.setInt(i, limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
        }
        boolean more = out.size() > limit;
        List<SavedResult> items = more ? out.subList(0, limit) : out;
        return new Page<>(items, more ? Cursors.encodeSeq(items.get(items.size() - 1).id()) : null);
    }

    private SavedResult row(ResultSet rs) throws SQLException {
        String data = rs.getString("data");
        return new SavedResult(rs.getLong("id"), d.getId(rs, "job_id"), rs.getString("type"), rs.getString("step"),
                JobStatus.fromWire(rs.getString("status")), rs.getString("title"), rs.getString("reference"),
                data == null ? null : JobRows.json(data), d.getTime(rs, "created_at"), d.getTime(rs, "expires_at"));
    }

    long count(Connection c, ResultScope scope) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(count.get(scope.kind()))) {
            bindScope(ps, scope);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    int deleteExpired(Connection c, Instant now, int limit) throws SQLException {
        if (limit < 1) return 0;
        try (PreparedStatement ps = c.prepareStatement(deleteExpired)) {
            d.setTime(ps, 1, now);
            ps.setInt(2, limit);
            return ps.executeUpdate();
        }
    }

    /** The waiting job back to pending as its next continuation; its queue, or null if it was not waiting. */
    String resume(Connection c, UUID id, int continuation, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(resume)) {
            ps.setString(1, Json.write(Json.MAPPER.createObjectNode().put("continuation", continuation).put("continue_after_children", false)));
            d.setTime(ps, 2, now);
            d.setTime(ps, 3, now);
            d.setId(ps, 4, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
