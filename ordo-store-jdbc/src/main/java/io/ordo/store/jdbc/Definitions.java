package io.ordo.store.jdbc;

import io.ordo.core.definition.StoredDefinition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Job definitions (created or replaced by id, versioned) and the schedule ticks that started runs. */
final class Definitions {
    private static final String COLUMNS = "id, name, format, source, spec, enabled, schedule, version, created_at, updated_at";

    private final SqlDialect d;
    private final String save;
    private final String get;
    private final String list;
    private final String delete;
    private final String recordTick;
    private final String lastTick;

    Definitions(SqlDialect d) {
        this.d = d;
        // a replace keeps created_at and counts the version up
        save = d.sql("INSERT INTO {definitions} AS x (" + COLUMNS + ") VALUES (?, ?, ?, ?, " + d.json() + ", ?, ?, 1, ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET name = excluded.name, format = excluded.format, source = excluded.source, "
                + "spec = excluded.spec, enabled = excluded.enabled, schedule = excluded.schedule, version = x.version + 1, "
                + "updated_at = excluded.updated_at RETURNING " + COLUMNS);
        get = d.sql("SELECT " + COLUMNS + " FROM {definitions} WHERE id = ?");
        list = d.sql("SELECT " + COLUMNS + " FROM {definitions} ORDER BY id");
        delete = d.sql("DELETE FROM {definitions} WHERE id = ?");
        recordTick = d.sql("INSERT INTO {ticks} (definition_id, tick_at) VALUES (?, ?) ON CONFLICT DO NOTHING");
        lastTick = d.sql("SELECT MAX(tick_at) AS t FROM {ticks} WHERE definition_id = ?");
    }

    StoredDefinition save(Connection c, StoredDefinition def, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(save)) {
            int i = 1;
            ps.setString(i++, def.id());
            ps.setString(i++, def.name());
            ps.setString(i++, def.format());
            ps.setString(i++, def.source());
            ps.setString(i++, JobRows.text(def.spec()));
            ps.setBoolean(i++, def.enabled());
            ps.setString(i++, def.schedule());
            d.setTime(ps, i++, now);
            d.setTime(ps, i, now);
            return all(ps).get(0);
        }
    }

    Optional<StoredDefinition> get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(get)) {
            ps.setString(1, id);
            return all(ps).stream().findFirst();
        }
    }

    List<StoredDefinition> list(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(list)) {
            return all(ps);
        }
    }

    boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(delete)) {
            ps.setString(1, id);
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * Records a tick; false if it was recorded before. On PostgreSQL a concurrent recorder of the
     * same tick waits for this transaction and then finds it taken (or free, if this one rolls back).
     */
    boolean recordTick(Connection c, String definitionId, Instant tickAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(recordTick)) {
            ps.setString(1, definitionId);
            d.setTime(ps, 2, tickAt);
            return ps.executeUpdate() == 1;
        }
    }

    Optional<Instant> lastTick(Connection c, String definitionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lastTick)) {
            ps.setString(1, definitionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(d.getTime(rs, "t")) : Optional.empty();
            }
        }
    }

    private List<StoredDefinition> all(PreparedStatement ps) throws SQLException {
        List<StoredDefinition> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new StoredDefinition(rs.getString("id"), rs.getString("name"), rs.getString("format"),
                        rs.getString("source"), JobRows.json(rs.getString("spec")), rs.getBoolean("enabled"),
                        rs.getString("schedule"), rs.getInt("version"), d.getTime(rs, "created_at"), d.getTime(rs, "updated_at")));
            }
        }
        return out;
    }
}
