package io.ordo.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.ordo.core.ops.NodeCommand;
import io.ordo.core.util.Json;
import io.ordo.core.util.Uuids;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Statements of the orders to nodes ({@code ordo_node_commands}). */
final class NodeCommandSql {
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, node, kind, args, created_at, taken_by, taken_at, finished_at, result, error";

    private final SqlDialect d;
    private final String add;
    private final String get;
    private final String pending;
    private final String take;
    private final String finish;
    private final String prune;

    NodeCommandSql(SqlDialect d) {
        this.d = d;
        add = d.sql("INSERT INTO {node_commands} (id, node, kind, args, created_at) VALUES (?, ?, ?, " + d.json() + ", ?)");
        get = d.sql("SELECT " + COLUMNS + " FROM {node_commands} WHERE id = ?");
        pending = d.sql("SELECT 1 FROM {node_commands} WHERE node = ? AND taken_at IS NULL LIMIT 1");
        // one statement: on PostgreSQL a concurrent taker waits for the row lock, then finds taken_at set and skips
        // the row; SQLite has one writer at a time
        take = d.sql("UPDATE {node_commands} SET taken_by = ?, taken_at = ? WHERE node = ? AND taken_at IS NULL RETURNING " + COLUMNS);
        finish = d.sql("UPDATE {node_commands} SET finished_at = ?, result = " + d.json() + ", error = ? WHERE id = ?");
        prune = d.sql("DELETE FROM {node_commands} WHERE id IN (SELECT id FROM {node_commands} WHERE created_at < ? LIMIT "
                + OpsSql.PRUNE_BATCH + ")");
    }

    void add(Connection c, NodeCommand n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(add)) {
            d.setId(ps, 1, n.id());
            ps.setString(2, n.node());
            ps.setString(3, n.kind());
            ps.setString(4, Json.write(n.args()));
            d.setTime(ps, 5, n.createdAt());
            ps.executeUpdate();
        }
    }

    Optional<NodeCommand> get(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(get)) {
            d.setId(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Whether {@code node} has orders not taken yet: a read, so that the take (a write) runs only when it has. */
    boolean anyPending(Connection c, String node) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(pending)) {
            ps.setString(1, node);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** This node's orders not taken yet, now taken by it, oldest first. */
    List<NodeCommand> take(Connection c, String node, Instant now) throws SQLException {
        List<NodeCommand> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(take)) {
            ps.setString(1, node);
            d.setTime(ps, 2, now);
            ps.setString(3, node);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(row(rs));
            }
        }
        out.sort(Comparator.comparing(NodeCommand::createdAt).thenComparing(NodeCommand::id, Uuids.ORDER));
        return out;
    }

    void finish(Connection c, UUID id, Map<String, Object> result, String error, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(finish)) {
            d.setTime(ps, 1, now);
            ps.setString(2, result == null ? null : Json.write(result));
            ps.setString(3, error);
            d.setId(ps, 4, id);
            ps.executeUpdate();
        }
    }

    /** Deletes at most {@link OpsSql#PRUNE_BATCH} orders created before {@code before}. */
    int prune(Connection c, Instant before) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(prune)) {
            d.setTime(ps, 1, before);
            return ps.executeUpdate();
        }
    }

    private NodeCommand row(ResultSet rs) throws SQLException {
        String result = rs.getString("result");
        return new NodeCommand(d.getId(rs, "id"), rs.getString("node"), rs.getString("kind"), read(rs.getString("args")),
                d.getTime(rs, "created_at"), rs.getString("taken_by"), d.getTime(rs, "taken_at"), d.getTime(rs, "finished_at"),
                result == null ? null : read(result), rs.getString("error"));
    }

    private static Map<String, Object> read(String text) throws SQLException {
        try {
            return Json.MAPPER.readValue(text, OBJECT);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored JSON is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
