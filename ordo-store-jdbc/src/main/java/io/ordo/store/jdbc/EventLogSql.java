package io.ordo.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.ordo.core.event.OrdoEvent;
import io.ordo.core.event.StoredEvent;
import io.ordo.core.event.StoredPayloads;
import io.ordo.core.util.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The event log's statements. Most events are written by triggers in the transaction of the change
 * they describe (migration V4); this class appends the others (progress, results, queue stats) and
 * reads the log. A reader polling {@code id > last} must never skip an event that commits late:
 * on SQLite the single writer draws and commits ids in the same order; on PostgreSQL an id is its
 * transaction's id followed by an ordinal ({@code ordo_event_ids}), and readers read only below
 * the horizon {@code xmin(snapshot) << 20}, under which every transaction has ended already.
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
    private final String oldest;
    private final String prune;

    EventLogSql(SqlDialect d) {
        this.d = d;
        // PostgreSQL: the whole batch in one statement; ORDER BY ord so that ids follow the list order
        this.unnest = d instanceof PostgresDialect;
        // PostgreSQL: ids reserved in this transaction, in list order; readers stop below the horizon
        insert = unnest
                ? d.sql("WITH u AS (SELECT * FROM unnest(?::text[], ?::uuid[], ?::uuid[], ?::text[], ?::text[]) WITH ORDINALITY "
                + "AS u(type, job_id, root_id, payload, at, ord)), ids AS (SELECT {event_ids}(count(*)) AS first FROM u) "
                + "INSERT INTO {events} (id, type, job_id, root_id, payload, at) SELECT ids.first + u.ord - 1, u.type, u.job_id, "
                + "u.root_id, u.payload::json, u.at::timestamptz FROM u, ids")
                : d.sql("INSERT INTO {events} (type, job_id, root_id, payload, at) VALUES (?, ?, ?, ?, ?)");
        after = unnest
                ? d.sql("SELECT id, type, job_id, root_id, payload, at FROM {events} WHERE id > ? AND id < ? ORDER BY id LIMIT ?")
                : d.sql("SELECT id, type, job_id, root_id, payload, at FROM {events} WHERE id > ? ORDER BY id LIMIT ?");
        last = unnest
                ? d.sql("SELECT COALESCE(MAX(id), 0) FROM {events} WHERE id < ?")
                : d.sql("SELECT COALESCE(MAX(id), 0) FROM {events}");
        first = d.sql("SELECT COALESCE(MIN(id), 0) FROM {events}");
        oldest = d.sql("SELECT id, at FROM {events} ORDER BY id LIMIT ?");
        prune = d.sql("DELETE FROM {events} WHERE id <= ?");
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

    /**
     * The first id no reader may pass yet. Read in its own statement, before the events: every
     * transaction below it ended before this snapshot, so the later statement sees all their events.
     */
    long horizon(Connection c) throws SQLException {
        if (!unnest) return 0;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")) {
            rs.next();
            return rs.getLong(1) << ORDINAL_BITS;
        }
    }

    /** Bits of an id that count events within one PostgreSQL transaction (ordo_event_ids). */
    static final int ORDINAL_BITS = 20;

    List<StoredEvent> after(Connection c, long afterId, int limit) throws SQLException {
        List<StoredEvent> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(after)) {
            int i = 1;
            ps.setLong(i++, afterId);
            if (unnest) ps.setLong(i++, horizon(c));
            ps.setInt(i, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString("type");
                    UUID job = d.getId(rs, "job_id");
                    UUID root = d.getId(rs, "root_id");
                    Instant at = d.getTime(rs, "at");
                    out.add(new StoredEvent(rs.getLong("id"), new OrdoEvent(type, job, root,
                            StoredPayloads.complete(type, job, root, at, payload(rs.getString("payload"))), at)));
                }
            }
        }
        return out;
    }

    long last(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(last)) {
            if (unnest) ps.setLong(1, horizon(c));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    long first(Connection c) throws SQLException {
        return single(c, first);
    }

    /**
     * Deletes up to {@code limit} events older than {@code before}: the oldest by id, up to the first
     * one that is not old enough. Ids follow time (a transaction's events carry its own clock's
     * times), so the walk is bounded by {@code limit} and needs no index on time; an event a little
     * out of time order is pruned in a later round.
     */
    int prune(Connection c, Instant before, int limit) throws SQLException {
        long upTo = -1;
        try (PreparedStatement ps = c.prepareStatement(oldest)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && d.getTime(rs, "at").isBefore(before)) upTo = rs.getLong("id");
            }
        }
        if (upTo < 0) return 0;
        try (PreparedStatement ps = c.prepareStatement(prune)) {
            ps.setLong(1, upTo);
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
