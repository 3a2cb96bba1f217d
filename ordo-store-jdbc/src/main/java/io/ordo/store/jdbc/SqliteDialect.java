package io.ordo.store.jdbc;

import io.ordo.core.util.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.UUID;

/** TEXT ids (canonical lower case), INTEGER epoch-millisecond times, TEXT JSON, lists as JSON arrays. */
final class SqliteDialect extends SqlDialect {
    SqliteDialect() {
        super("");
    }

    @Override
    void setId(PreparedStatement ps, int i, UUID id) throws SQLException {
        if (id == null) ps.setNull(i, Types.VARCHAR);
        else ps.setString(i, id.toString());
    }

    @Override
    UUID getId(ResultSet rs, String column) throws SQLException {
        String s = rs.getString(column);
        return s == null ? null : UUID.fromString(s);
    }

    @Override
    void setTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, t.toEpochMilli());
    }

    @Override
    Instant getTime(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    @Override
    String json() {
        return "?";
    }

    /**
     * SQLite's json_patch merges recursively and deletes keys patched with null (RFC 7396); Ordo's
     * merge is shallow and keeps nulls, so the object is rebuilt from both objects' entries. Each
     * value is taken as JSON text through its path ({@code ->} keeps numbers as written); a key the
     * path syntax cannot name (one with a double quote) falls back to json_each's SQL value.
     */
    @Override
    String mergeObject(String column) {
        return "(SELECT json_group_object(key, json(j)) FROM (SELECT key, " + entry(column) + " AS j FROM json_each(" + column
                + ") WHERE key NOT IN (SELECT key FROM json_each(?1)) UNION ALL SELECT key, " + entry("?1") + " FROM json_each(?1)))";
    }

    private static String entry(String source) {
        return "COALESCE(" + source + " -> fullkey, CASE type WHEN 'null' THEN 'null' WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
                + "WHEN 'text' THEN json_quote(value) ELSE value END)";
    }

    @Override
    String jsonAppend(String column) {
        return "json_insert(" + column + ", '$[#]', json(?))";
    }

    @Override
    String greatest(String a, String b) {
        return "MAX(" + a + ", " + b + ")";
    }

    @Override
    String plusMillis(String time, String millis) {
        return "(" + time + " + " + millis + ")";
    }

    @Override
    String inIds(String column) {
        return column + " IN (SELECT value FROM json_each(?))";
    }

    @Override
    void setIds(Connection c, PreparedStatement ps, int i, Collection<UUID> ids) throws SQLException {
        ps.setString(i, Json.write(ids.stream().map(UUID::toString).toList()));
    }

    @Override
    String inTexts(String column) {
        return column + " IN (SELECT value FROM json_each(?))";
    }

    @Override
    void setTexts(Connection c, PreparedStatement ps, int i, Collection<String> values) throws SQLException {
        ps.setString(i, Json.write(values));
    }

    @Override
    String forUpdate() {
        return "";
    }

    @Override
    String forUpdateSkipLocked() {
        return "";
    }

    @Override
    String forShare() {
        return "";
    }

    /**
     * Without statistics (a young or never-analyzed file) SQLite prefers searching the status index
     * and sorting to walking a partial index, and so would read every terminal job.
     */
    @Override
    String indexedBy(String index) {
        return " INDEXED BY " + index;
    }

    /** SQLite keeps no generic plan across the executions of a statement: nothing to opt out of. */
    @Override
    void planForEachValue(PreparedStatement ps) {
    }
}
