package io.ordo.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.ops.NodeInfo;
import io.ordo.core.ops.QueueMinute;
import io.ordo.core.util.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** Statements of the operational tables: queue flags, queue minutes, nodes, settings, and the jobs' webhook flag. */
final class OpsSql {
    /** Rows one prune statement deletes at most: each batch is its own short transaction. */
    static final int PRUNE_BATCH = 1000;

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<List<Long>> LONGS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> TEXT_MAP = new TypeReference<>() {
    };
    private static final String MINUTE_COLUMNS = "node, queue, minute, completed, failed, run_ms, latency";
    private static final String NODE_COLUMNS = "id, host, pid, version, started_at, seen_at, stopped_at, queues, types, running, slots, draining, capabilities";

    private final SqlDialect d;
    private final String setFlag;
    private final String flags;
    private final String saveMinute;
    private final String minutesSince;
    private final String pruneMinutes;
    private final String saveNode;
    private final String nodes;
    private final String pruneNodes;
    private final String getSetting;
    private final String addSetting;
    private final String webhooksDue;
    private final String markWebhook;

    OpsSql(SqlDialect d) {
        this.d = d;
        setFlag = d.sql("INSERT INTO {queue_flags} (queue, paused, updated_at) VALUES (?, ?, ?) "
                + "ON CONFLICT (queue) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at");
        flags = d.sql("SELECT queue, paused FROM {queue_flags}");
        saveMinute = d.sql("INSERT INTO {queue_minutes} (" + MINUTE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, " + d.json() + ") "
                + "ON CONFLICT (node, queue, minute) DO UPDATE SET completed = excluded.completed, failed = excluded.failed, "
                + "run_ms = excluded.run_ms, latency = excluded.latency");
        minutesSince = d.sql("SELECT " + MINUTE_COLUMNS + " FROM {queue_minutes} WHERE minute >= ?");
        pruneMinutes = d.sql("DELETE FROM {queue_minutes} WHERE (node, queue, minute) IN "
                + "(SELECT node, queue, minute FROM {queue_minutes} WHERE minute < ? LIMIT " + PRUNE_BATCH + ")");
        saveNode = d.sql("INSERT INTO {nodes} (" + NODE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, " + d.json() + ", " + d.json() + ", ?, ?, ?, " + d.json() + ") "
                + "ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, version = excluded.version, "
                + "started_at = excluded.started_at, seen_at = excluded.seen_at, stopped_at = excluded.stopped_at, "
                + "queues = excluded.queues, types = excluded.types, running = excluded.running, slots = excluded.slots, "
                + "draining = excluded.draining, capabilities = excluded.capabilities");
        nodes = d.sql("SELECT " + NODE_COLUMNS + " FROM {nodes} ORDER BY id");
        pruneNodes = d.sql("DELETE FROM {nodes} WHERE id IN (SELECT id FROM {nodes} WHERE seen_at < ? LIMIT " + PRUNE_BATCH + ")");
        getSetting = d.sql("SELECT value FROM {settings} WHERE key = ?");
        // a concurrent insert of the same key makes this one wait for it, then do nothing
        addSetting = d.sql("INSERT INTO {settings} (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING");
        // the same predicate as the partial index ordo_jobs_webhook_due_idx, term for term (SQLite matches it textually)
        String due = "webhook_url IS NOT NULL AND webhook_queued_at IS NULL AND " + Guards.in("status", JobStatus.terminal());
        webhooksDue = d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs}" + d.indexedBy("ordo_jobs_webhook_due_idx") + " WHERE " + due
                + " ORDER BY finished_at LIMIT ?");
        markWebhook = d.sql("UPDATE {jobs} SET webhook_queued_at = ? WHERE id = ? AND " + due);
    }

    /** The webhooksDue statement (for plan tests). */
    String webhooksDueSql() {
        return webhooksDue;
    }

    // ---- queue flags --------------------------------------------------------------------------

    void setFlag(Connection c, String queue, boolean paused, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(setFlag)) {
            ps.setString(1, queue);
            ps.setBoolean(2, paused);
            d.setTime(ps, 3, now);
            ps.executeUpdate();
        }
    }

    Map<String, Boolean> flags(Connection c) throws SQLException {
        Map<String, Boolean> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(flags); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), rs.getBoolean(2));
        }
        return out;
    }

    // ---- queue minutes ------------------------------------------------------------------------

    /** One JDBC batch, rows in key order so that two writers of overlapping rows cannot deadlock. */
    void saveMinutes(Connection c, List<QueueMinute> minutes) throws SQLException {
        List<QueueMinute> sorted = minutes.stream().sorted(Comparator.comparing(QueueMinute::node).thenComparing(QueueMinute::queue)
                .thenComparing(QueueMinute::minute)).toList();
        try (PreparedStatement ps = c.prepareStatement(saveMinute)) {
            for (QueueMinute m : sorted) {
                ps.setString(1, m.node());
                ps.setString(2, m.queue());
                d.setTime(ps, 3, m.minute());
                ps.setLong(4, m.completed());
                ps.setLong(5, m.failed());
                ps.setLong(6, m.runMillis());
                ps.setString(7, Json.write(m.latencyBuckets()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    List<QueueMinute> minutesSince(Connection c, Instant since) throws SQLException {
        List<QueueMinute> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(minutesSince)) {
            d.setTime(ps, 1, since);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new QueueMinute(rs.getString("queue"), d.getTime(rs, "minute"), rs.getString("node"), rs.getLong("completed"),
                            rs.getLong("failed"), rs.getLong("run_ms"), read(rs.getString("latency"), LONGS)));
                }
            }
        }
        return out;
    }

    /** Deletes at most {@link #PRUNE_BATCH} rows for minutes before {@code before}. */
    int pruneMinutes(Connection c, Instant before) throws SQLException {
        return deleteBefore(c, pruneMinutes, before);
    }

    // ---- nodes --------------------------------------------------------------------------------

    void saveNode(Connection c, NodeInfo n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(saveNode)) {
            int i = 1;
            ps.setString(i++, n.id());
            ps.setString(i++, n.host());
            ps.setLong(i++, n.pid());
            ps.setString(i++, n.version());
            d.setTime(ps, i++, n.startedAt());
            d.setTime(ps, i++, n.seenAt());
            d.setTime(ps, i++, n.stoppedAt());
            ps.setString(i++, Json.write(n.queues()));
            ps.setString(i++, Json.write(n.types()));
            ps.setInt(i++, n.running());
            ps.setInt(i++, n.slots());
            ps.setBoolean(i++, n.draining());
            ps.setString(i, Json.write(n.capabilities()));
            ps.executeUpdate();
        }
    }

    List<NodeInfo> nodes(Connection c) throws SQLException {
        List<NodeInfo> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(nodes); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new NodeInfo(rs.getString("id"), rs.getString("host"), rs.getLong("pid"), rs.getString("version"),
                        d.getTime(rs, "started_at"), d.getTime(rs, "seen_at"), d.getTime(rs, "stopped_at"),
                        read(rs.getString("queues"), STRINGS), read(rs.getString("types"), STRINGS), rs.getInt("running"),
                        rs.getInt("slots"), rs.getBoolean("draining"), textMap(rs.getString("capabilities"))));
            }
        }
        return out;
    }

    /** Deletes at most {@link #PRUNE_BATCH} nodes last seen before {@code before}. */
    int pruneNodes(Connection c, Instant before) throws SQLException {
        return deleteBefore(c, pruneNodes, before);
    }

    // ---- settings -----------------------------------------------------------------------------

    Optional<String> setting(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(getSetting)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Stores {@code value} unless the key has one, then reads what the key holds (this value or the winner's). */
    String settingOrAdd(Connection c, String key, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(addSetting)) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
        return setting(c, key).orElseThrow(() -> new SQLException("setting '" + key + "' vanished right after it was stored"));
    }

    // ---- webhooks -----------------------------------------------------------------------------

    List<Job> webhooksDue(Connection c, int limit) throws SQLException {
        List<Job> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(webhooksDue)) {
            ps.setInt(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(JobRows.job(rs, d));
            }
        }
        return out;
    }

    /**
     * Marks a terminal job's webhook as queued; false when there is nothing to queue (no webhook, not
     * terminal, queued already). On PostgreSQL a concurrent marker waits for this row lock, then finds it queued.
     */
    boolean markWebhookQueued(Connection c, UUID jobId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(markWebhook)) {
            d.setTime(ps, 1, at);
            d.setId(ps, 2, jobId);
            return ps.executeUpdate() == 1;
        }
    }

    private int deleteBefore(Connection c, String sql, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            d.setTime(ps, 1, before);
            return ps.executeUpdate();
        }
    }

    private static Map<String, String> textMap(String text) throws SQLException {
        try {
            return text == null ? Map.of() : Json.MAPPER.readValue(text, TEXT_MAP);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored JSON is not readable: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> List<T> read(String text, TypeReference<List<T>> type) throws SQLException {
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored JSON is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
