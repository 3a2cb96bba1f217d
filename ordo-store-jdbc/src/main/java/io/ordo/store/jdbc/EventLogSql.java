package io.ordo.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.util.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The event log's statements. Ids come from the table (identity / AUTOINCREMENT) and must become
 * visible in increasing order, so that a reader polling {@code id > last} never skips one: on
 * SQLite the single writer guarantees it, on PostgreSQL the store serializes appends with an
 * advisory lock held until commit ({@link JdbcJobStore#appendingEvents}).
 */
final class EventLogSql {
    private static final TypeReference<Map<String, Object>> PAYLOAD = new TypeReference<>() {
    };

    private final SqlDialect d;
    private final boolean unnest;
    private final String insert;
    private final String after;
    private final String last;
    private final String first;
    private final String prune;

    EventLogSql(SqlDialect d) {
        this.d = d;
        // PostgreSQL: the whole batch in one statement; ORDER BY ord so that ids follow the list order
        this.unnest = d instanceof PostgresDialect;
        insert = unnest
                ? d.sql("INSERT INTO {events} (type, job_id, root_id, payload, at) SELECT u.type, u.job_id, u.root_id, u.payload::jsonb, "
                + "u.at::timestamptz FROM unnest(?::text[], ?::uuid[], ?::uuid[], ?::text[], ?::text[]) WITH ORDINALITY "
                + "AS u(type, job_id, root_id, payload, at, ord) ORDER BY u.ord")
                : d.sql("INSERT INTO {events} (type, job_id, root_id, payload, at) VALUES (?, ?, ?, ?, ?)");
        after = d.sql("SELECT id, type, job_id, root_id, payload, at FROM {events} WHERE id > ? ORDER BY id LIMIT ?");
        last = d.sql("SELECT COALESCE(MAX(id), 0) FROM {events}");
        first = d.sql("SELECT COALESCE(MIN(id), 0) FROM {events}");
        prune = d.sql("DELETE FROM {events} WHERE id IN (SELECT id FROM {events} WHERE at < ? ORDER BY at LIMIT ?)");
    }

    /** A batch ready to bind: serialized before the append's transaction, so that the writer lock is held for the insert only. */
    record Batch(String[] type, UUID[] job, UUID[] root, String[] payload, Instant[] at) {
    }

    static Batch prepare(List<OrdoEvent> events) {
        int n = events.size();
        Batch b = new Batch(new String[n], new UUID[n], new UUID[n], new String[n], new Instant[n]);
        for (int i = 0; i < n; i++) {
            OrdoEvent e = events.get(i);
            b.type[i] = e.type();
            b.job[i] = e.jobId();
            b.root[i] = e.rootId();
            b.payload[i] = Json.write(e.payload());
            b.at[i] = SqlDialect.ms(e.at());
        }
        return b;
    }

    /** One statement (PostgreSQL) or one JDBC batch (SQLite) for the whole batch. */
    void append(Connection c, Batch b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            if (unnest) {
                ps.setArray(1, c.createArrayOf("text", b.type()));
                ps.setArray(2, c.createArrayOf("uuid", b.job()));
                ps.setArray(3, c.createArrayOf("uuid", b.root()));
                ps.setArray(4, c.createArrayOf("text", b.payload()));
                ps.setArray(5, c.createArrayOf("text", java.util.Arrays.stream(b.at()).map(PgInserts::text).toArray(String[]::new)));
                ps.executeUpdate();
                return;
            }
            for (int i = 0; i < b.type().length; i++) {
                ps.setString(1, b.type()[i]);
                d.setId(ps, 2, b.job()[i]);
                d.setId(ps, 3, b.root()[i]);
                ps.setString(4, b.payload()[i]);
                d.setTime(ps, 5, b.at()[i]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    List<StoredEvent> after(Connection c, long afterId, int limit) throws SQLException {
        List<StoredEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(after)) {
            ps.setLong(1, afterId);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredEvent(rs.getLong("id"), new OrdoEvent(rs.getString("type"), d.getId(rs, "job_id"),
                            d.getId(rs, "root_id"), payload(rs.getString("payload")), d.getTime(rs, "at"))));
                }
            }
        }
        return out;
    }

    long last(Connection c) throws SQLException {
        return single(c, last);
    }

    long first(Connection c) throws SQLException {
        return single(c, first);
    }

    /** Deletes up to {@code limit} events older than {@code before}, oldest first. */
    int prune(Connection c, Instant before, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(prune)) {
            d.setTime(ps, 1, before);
            ps.setInt(2, limit);
            return ps.executeUpdate();
        }
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static Map<String, Object> payload(String text) throws SQLException {
        try {
            Map<String, Object> m = Json.MAPPER.readValue(text, PAYLOAD);
            m.values().removeIf(java.util.Objects::isNull); // an event's payload holds no nulls (Map.copyOf)
            return m;
        } catch (JsonProcessingException e) {
            throw new SQLException("stored event payload is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
