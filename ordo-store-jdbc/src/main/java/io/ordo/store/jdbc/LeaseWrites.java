package io.ordo.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.LogLevel;
import io.ordo.core.store.Completion;
import io.ordo.core.util.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.ordo.core.model.JobStatus.CANCELLED;
import static io.ordo.core.model.JobStatus.COMPLETED;
import static io.ordo.core.model.JobStatus.FAILED;
import static io.ordo.core.model.JobStatus.PENDING;
import static io.ordo.core.model.JobStatus.RUNNING;
import static io.ordo.core.model.JobStatus.SCHEDULED;
import static io.ordo.core.model.JobStatus.WAITING;

/**
 * The writes a worker makes for a job it runs, each fenced by its lease: they change nothing unless
 * the job is still running under that owner and attempt. One row per statement; the PostgreSQL
 * store batches completions and heartbeats itself.
 */
final class LeaseWrites {
    /** The lease check of writes that do not change the status. */
    static final String FENCE = "id = ? AND status = 'running' AND lease_owner = ? AND attempt = ?";

    static {
        // builds Jackson's serializer for attempt errors now, not in the first failure's write
        Json.write(new AttemptError(0, "", Instant.EPOCH, AttemptError.ERROR, ""));
    }

    private final SqlDialect d;
    private final String[] endSql = new String[ENDS.size() * 8];
    private final String progress;
    private final String saveResult;
    private final String appendLog;
    private final String heartbeat;
    private final String complete;
    private final String mergeMeta;
    private final String lockHeld;

    LeaseWrites(SqlDialect d) {
        this.d = d;
        progress = d.sql("UPDATE {jobs} SET progress_current = ?, progress_total = ?, progress_text = ?, updated_at = ? WHERE " + FENCE);
        saveResult = d.sql("UPDATE {jobs} SET result = " + d.json() + ", result_expires_at = ?, updated_at = ? WHERE " + FENCE);
        appendLog = d.sql("INSERT INTO {logs} (job_id, attempt, at, level, message) SELECT id, attempt, ?, ?, ? FROM {jobs} WHERE " + FENCE);
        heartbeat = d.sql("UPDATE {jobs} SET lease_until = ?, updated_at = ? WHERE " + FENCE + " RETURNING cancel_requested");
        // result given: it replaces the saved one and expires ttl after now; none given: a saved
        // result stays and, if it has no expiry yet, gets one from the job's ttl. A job with children
        // waits (not finished yet) for the monitor to apply its child policy; the others are completed.
        String waits = waitsForChildren(d, d.sql("{jobs}.id"));
        complete = d.sql("UPDATE {jobs} SET status = CASE WHEN " + waits + " THEN 'waiting' ELSE 'completed' END, "
                + "result_expires_at = CASE WHEN " + d.json() + " IS NOT NULL THEN "
                + "(CASE WHEN result_ttl_ms IS NULL THEN NULL ELSE " + d.plusMillis("?", "result_ttl_ms") + " END) "
                + "WHEN result IS NOT NULL AND result_expires_at IS NULL AND result_ttl_ms IS NOT NULL THEN "
                + d.plusMillis("?", "result_ttl_ms") + " ELSE result_expires_at END, "
                + "result = COALESCE(" + d.json() + ", result), finished_at = CASE WHEN " + waits + " THEN NULL ELSE ? END, "
                + "lease_until = NULL, updated_at = ? "
                + "WHERE id = ? AND " + Guards.intoAll("status", EnumSet.of(RUNNING), COMPLETED, WAITING)
                + " AND lease_owner = ? AND attempt = ? RETURNING status");
        mergeMeta = d.sql("UPDATE {jobs} SET meta = " + d.mergeObject("meta") + ", updated_at = ? WHERE " + FENCE);
        lockHeld = d.sql("SELECT 1 FROM {jobs} WHERE " + FENCE + d.forShare());
        for (JobStatus next : ENDS) {
            for (int flags = 0; flags < 8; flags++) {
                boolean error = (flags & 4) != 0, extra = (flags & 2) != 0, rescue = (flags & 1) != 0;
                endSql[shape(next, error, extra, rescue)] = endSql(next, error, extra, rescue);
            }
        }
    }

    private int fence(PreparedStatement ps, int i, Lease lease) throws SQLException {
        d.setId(ps, i++, lease.jobId());
        ps.setString(i++, lease.owner());
        ps.setInt(i++, lease.attempt());
        return i;
    }

    /** True if the job runs under {@code lease}; on PostgreSQL the row stays share-locked until commit. */
    boolean lockHeld(Connection c, Lease lease) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lockHeld)) {
            fence(ps, 1, lease);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    boolean progress(Connection c, Lease lease, long current, long total, String text, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(progress)) {
            ps.setLong(1, current);
            ps.setLong(2, total);
            ps.setString(3, text);
            d.setTime(ps, 4, now);
            fence(ps, 5, lease);
            return ps.executeUpdate() == 1;
        }
    }

    boolean saveResult(Connection c, Lease lease, JsonNode result, Instant expiresAt, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(saveResult)) {
            ps.setString(1, JobRows.text(result));
            d.setTime(ps, 2, expiresAt);
            d.setTime(ps, 3, now);
            fence(ps, 4, lease);
            return ps.executeUpdate() == 1;
        }
    }

    boolean appendLog(Connection c, Lease lease, LogLevel level, String message, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(appendLog)) {
            d.setTime(ps, 1, now);
            ps.setString(2, level.wireName());
            ps.setString(3, message);
            fence(ps, 4, lease);
            return ps.executeUpdate() == 1;
        }
    }

    /** Extends each lease still held; returns the ids whose lease is lost, and collects cancel requests. */
    Set<UUID> heartbeat(Connection c, Collection<Lease> leases, Instant until, Instant now, Set<UUID> cancelRequested)
            throws SQLException {
        Set<UUID> lost = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(heartbeat)) {
            for (Lease l : leases) {
                d.setTime(ps, 1, until);
                d.setTime(ps, 2, now);
                fence(ps, 3, l);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) lost.add(l.jobId());
                    else if (rs.getBoolean(1)) cancelRequested.add(l.jobId());
                }
            }
        }
        return lost;
    }

    /**
     * The job (its id given as an SQL expression) has children, per their counters: it waits, and
     * the monitor finishes it by its child policy once they are all done (which may be at once).
     */
    static String waitsForChildren(SqlDialect d, String jobId) {
        return d.sql("EXISTS (SELECT 1 FROM {children} k WHERE k.parent_id = " + jobId + " AND k.n > 0)");
    }

    /**
     * Each job's new status (completed, or waiting for its children), for the jobs whose lease was
     * held. One statement prepared for the whole batch: on SQLite preparing it (with the counter
     * triggers it fires) costs several times more than running it.
     */
    Map<UUID, JobStatus> complete(Connection c, List<Completion> batch) throws SQLException {
        Map<UUID, JobStatus> done = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(complete)) {
            for (Completion x : batch) {
                String result = JobRows.text(x.result());
                ps.setString(1, result);
                d.setTime(ps, 2, x.now());
                d.setTime(ps, 3, x.now());
                ps.setString(4, result);
                d.setTime(ps, 5, x.now());
                d.setTime(ps, 6, x.now());
                fence(ps, 7, x.lease());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) done.put(x.lease().jobId(), JobStatus.fromWire(rs.getString(1)));
                }
            }
        }
        return done;
    }

    /** Shallow-merges {@code patch} (a JSON object; anything else changes nothing) into the job's meta. */
    boolean mergeMeta(Connection c, Lease lease, JsonNode patch, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(mergeMeta)) {
            ps.setString(1, patch != null && patch.isObject() ? Json.write(patch) : null);
            d.setTime(ps, 2, now);
            fence(ps, 3, lease);
            return ps.executeUpdate() == 1;
        }
    }

    /** What became of a job whose attempt ended: its queue and new status. */
    record Ended(String queue, JobStatus status) {
    }

    /**
     * Ends the running attempt under {@code lease}: to {@code next} (run again at {@code runAt}, or
     * now, if it is pending or scheduled), recording {@code error}. {@code extraAttempt} gives the
     * attempt back (hand-back at shutdown). {@code expiredBefore} non-null makes it a rescue: it acts
     * only on a lease that ended before then, and a job whose cancel was requested ends cancelled.
     *
     * @return null if the lease was not held (nothing changed)
     */
    Ended endAttempt(Connection c, Lease lease, JobStatus next, Instant runAt, AttemptError error, Instant now,
                     boolean extraAttempt, Instant expiredBefore) throws SQLException {
        boolean rescue = expiredBefore != null;
        boolean requeue = next == PENDING || next == SCHEDULED;
        String sql = endSql[shape(next, error != null, extraAttempt, rescue)];
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, next.wireName());
            if (requeue) d.setTime(ps, i++, runAt == null ? now : runAt);
            if (next.isTerminal() || rescue) d.setTime(ps, i++, now);
            if (error != null) {
                ps.setString(i++, Json.write(error));
                ps.setString(i++, error.message());
            }
            d.setTime(ps, i++, now);
            i = fence(ps, i, lease);
            if (rescue) d.setTime(ps, i, expiredBefore);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Ended(rs.getString(1), JobStatus.fromWire(rs.getString(2))) : null;
            }
        }
    }

    /** Where an attempt may end; every combination's statement is built up front (the hot path only indexes). */
    private static final List<JobStatus> ENDS = List.of(PENDING, SCHEDULED, FAILED, CANCELLED);

    private static int shape(JobStatus next, boolean error, boolean extraAttempt, boolean rescue) {
        int i = ENDS.indexOf(next);
        if (i < 0) throw new IllegalArgumentException("an attempt cannot end in " + next);
        return i * 8 + (error ? 4 : 0) + (extraAttempt ? 2 : 0) + (rescue ? 1 : 0);
    }

    private String endSql(JobStatus next, boolean error, boolean extraAttempt, boolean rescue) {
        boolean requeue = next == PENDING || next == SCHEDULED;
        StringBuilder sql = new StringBuilder("UPDATE {jobs} SET ");
        sql.append(rescue ? "status = CASE WHEN cancel_requested THEN 'cancelled' ELSE ? END" : "status = ?");
        if (requeue) sql.append(rescue ? ", run_at = CASE WHEN cancel_requested THEN run_at ELSE ? END" : ", run_at = ?");
        if (next.isTerminal()) sql.append(", finished_at = ?");
        else if (rescue) sql.append(", finished_at = CASE WHEN cancel_requested THEN ? ELSE finished_at END");
        sql.append(", lease_until = NULL");
        if (extraAttempt) sql.append(", max_attempts = max_attempts + 1");
        if (error) sql.append(", errors = ").append(d.jsonAppend("errors")).append(", error = ?");
        sql.append(", updated_at = ? WHERE id = ? AND ");
        // a rescue may end in next or (cancel requested) in cancelled: both must be legal from the guard's states
        sql.append(rescue ? Guards.intoAll("status", EnumSet.of(RUNNING), next, CANCELLED) : Guards.into("status", next, RUNNING));
        sql.append(" AND lease_owner = ? AND attempt = ?");
        if (rescue) sql.append(" AND lease_until < ?");
        sql.append(" RETURNING queue, status");
        return d.sql(sql.toString());
    }
}
