package io.ordo.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.UUID;

/** uuid ids, timestamptz times, jsonb, arrays. */
final class PostgresDialect extends SqlDialect {
    PostgresDialect(String schema) {
        super("\"" + schema + "\".");
    }

    @Override
    void setId(PreparedStatement ps, int i, UUID id) throws SQLException {
        if (id == null) ps.setNull(i, Types.OTHER);
        else ps.setObject(i, id);
    }

    @Override
    UUID getId(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, UUID.class);
    }

    @Override
    void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        else ps.setObject(i, OffsetDateTime.ofInstant(ms(t), ZoneOffset.UTC));
    }

    @Override
    Instant getTime(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    @Override
    String json() {
        return "?::jsonb";
    }

    @Override
    String mergeObject(String column) {
        // jsonb || jsonb on two objects: the right one's keys replace the left one's, one level deep
        return column + " || COALESCE(?::jsonb, '{}'::jsonb)";
    }

    @Override
    String jsonAppend(String column) {
        return column + " || jsonb_build_array(?::jsonb)";
    }

    @Override
    String greatest(String a, String b) {
        return "GREATEST(" + a + ", " + b + ")";
    }

    @Override
    String plusMillis(String time, String millis) {
        return "(" + time + " + " + millis + " * interval '1 millisecond')";
    }

    @Override
    String inIds(String column) {
        return column + " = ANY(?)";
    }

    @Override
    void setIds(Connection c, PreparedStatement ps, int i, Collection<UUID> ids) throws SQLException {
        ps.setArray(i, c.createArrayOf("uuid", ids.toArray(new UUID[0])));
    }

    @Override
    String inTexts(String column) {
        return column + " = ANY(?)";
    }

    @Override
    void setTexts(Connection c, PreparedStatement ps, int i, Collection<String> values) throws SQLException {
        ps.setArray(i, c.createArrayOf("text", values.toArray(new String[0])));
    }

    @Override
    String forUpdate() {
        return " FOR UPDATE";
    }

    @Override
    String forUpdateSkipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    String forShare() {
        return " FOR SHARE";
    }

    @Override
    String indexedBy(String index) {
        return "";
    }

    /**
     * The driver server-prepares a statement after five executions, and the server may then plan it
     * once for all values (DESIGN.md §6): a listing by type would walk the primary key for a type that
     * has ten jobs among a million (0.44 s at 1M jobs) where a plan for that value reads the table in
     * parallel (0.11-0.15 s). Threshold 0 keeps the statement unnamed, which is planned at each bind.
     */
    @Override
    void planForEachValue(PreparedStatement ps) throws SQLException {
        ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(0);
    }
}
