package io.ordo.store.jdbc;

import io.ordo.core.schedule.MissedPolicy;
import io.ordo.core.schedule.Schedule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Recurring plain jobs ({@code ordo_schedules}); their ticks are recorded by {@link Definitions#recordTick}. */
final class ScheduleSql {
    private static final String COLUMNS = "id, type, queue, payload, priority, cron, timezone, missed, paused, next_run_at, "
            + "last_run_at, last_job_id, created_at, updated_at";

    private final SqlDialect d;
    private final String save;
    private final String get;
    private final String list;
    private final String delete;
    private final String pause;
    private final String resume;
    private final String ran;
    private final String nextRun;

    ScheduleSql(SqlDialect d) {
        this.d = d;
        // a replace keeps created_at and the last run
        save = d.sql("INSERT INTO {schedules} AS x (" + COLUMNS + ") VALUES (?, ?, ?, " + d.json() + ", ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?) "
                + "ON CONFLICT (id) DO UPDATE SET type = excluded.type, queue = excluded.queue, payload = excluded.payload, "
                + "priority = excluded.priority, cron = excluded.cron, timezone = excluded.timezone, missed = excluded.missed, "
                + "paused = excluded.paused, next_run_at = excluded.next_run_at, updated_at = excluded.updated_at RETURNING " + COLUMNS);
        get = d.sql("SELECT " + COLUMNS + " FROM {schedules} WHERE id = ?");
        list = d.sql("SELECT " + COLUMNS + " FROM {schedules} ORDER BY id");
        delete = d.sql("DELETE FROM {schedules} WHERE id = ?");
        // pausing a paused schedule changes nothing; resuming moves updated_at, where ticking starts
        pause = d.sql("UPDATE {schedules} SET updated_at = ?, paused = true, next_run_at = NULL WHERE id = ? AND NOT paused RETURNING "
                + COLUMNS);
        resume = d.sql("UPDATE {schedules} SET paused = false, next_run_at = ?, updated_at = ? WHERE id = ? RETURNING " + COLUMNS);
        ran = d.sql("UPDATE {schedules} SET last_run_at = ?, last_job_id = ?, next_run_at = ? WHERE id = ?");
        nextRun = d.sql("UPDATE {schedules} SET next_run_at = ? WHERE id = ? AND NOT paused");
    }

    Schedule save(Connection c, Schedule s, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(save)) {
            int i = 1;
            ps.setString(i++, s.id());
            ps.setString(i++, s.type());
            ps.setString(i++, s.queue());
            ps.setString(i++, JobRows.text(s.payload()));
            if (s.priority() == null) ps.setNull(i++, Types.INTEGER);
            else ps.setInt(i++, s.priority());
            ps.setString(i++, s.cron());
            ps.setString(i++, s.timezone());
            ps.setString(i++, s.missed().wireName());
            ps.setBoolean(i++, s.paused());
            d.setTime(ps, i++, s.nextRunAt());
            d.setTime(ps, i++, now);
            d.setTime(ps, i, now);
            return all(ps).get(0);
        }
    }

    Optional<Schedule> get(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(get)) {
            ps.setString(1, id);
            return all(ps).stream().findFirst();
        }
    }

    List<Schedule> list(Connection c) throws SQLException {
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

    Optional<Schedule> setPaused(Connection c, String id, boolean paused, Instant nextRunAt, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(paused ? pause : resume)) {
            int i = 1;
            if (!paused) d.setTime(ps, i++, nextRunAt);
            d.setTime(ps, i++, now);
            ps.setString(i, id);
            Optional<Schedule> out = all(ps).stream().findFirst();
            return out.isPresent() || !paused ? out : get(c, id);
        }
    }

    /** Records the schedule's newest run (nextRunAt null while paused); false when the schedule is gone. */
    boolean ran(Connection c, String id, Instant runAt, UUID jobId, Instant nextRunAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ran)) {
            d.setTime(ps, 1, runAt);
            d.setId(ps, 2, jobId);
            d.setTime(ps, 3, nextRunAt);
            ps.setString(4, id);
            return ps.executeUpdate() > 0;
        }
    }

    void setNextRun(Connection c, String id, Instant nextRunAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(nextRun)) {
            d.setTime(ps, 1, nextRunAt);
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    private List<Schedule> all(PreparedStatement ps) throws SQLException {
        List<Schedule> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int p = rs.getInt("priority");
                Integer priority = rs.wasNull() ? null : p;
                out.add(new Schedule(rs.getString("id"), rs.getString("type"), rs.getString("queue"), JobRows.json(rs.getString("payload")),
                        priority, rs.getString("cron"), rs.getString("timezone"), MissedPolicy.parse(rs.getString("missed")),
                        rs.getBoolean("paused"), d.getTime(rs, "next_run_at"), d.getTime(rs, "last_run_at"), d.getId(rs, "last_job_id"),
                        d.getTime(rs, "created_at"), d.getTime(rs, "updated_at")));
            }
        }
        return out;
    }
}
