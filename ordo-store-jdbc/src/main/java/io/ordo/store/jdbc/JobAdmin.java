package io.ordo.store.jdbc;

import io.ordo.core.ConflictException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.CancelResult;

import io.ordo.core.util.Uuids;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.ordo.core.model.JobStatus.CANCELLED;
import static io.ordo.core.model.JobStatus.COMPLETED;
import static io.ordo.core.model.JobStatus.FAILED;
import static io.ordo.core.model.JobStatus.PENDING;
import static io.ordo.core.model.JobStatus.SCHEDULED;
import static io.ordo.core.model.JobStatus.WAITING;

/** Cancel (with its cascade), restart, delete, promotion and retention. All run inside a write transaction. */
final class JobAdmin {
    /** A job and all its descendants, through parent_id. UNION (not ALL) stops on any cycle. */
    private static final String TREE = "WITH RECURSIVE tree(id) AS (SELECT id FROM {jobs} WHERE id = ? "
            + "UNION SELECT j.id FROM {jobs} j JOIN tree t ON j.parent_id = t.id) ";

    private final SqlDialect d;
    private final JobQueries queries;

    JobAdmin(SqlDialect d, JobQueries queries) {
        this.d = d;
        this.queries = queries;
    }

    private record State(JobStatus status, String uniqueKey) {
    }

    /** The job's status, locked for the rest of the transaction on PostgreSQL; not found is an error. */
    private State lockState(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(d.sql("SELECT status, unique_key FROM {jobs} WHERE id = ?" + d.forUpdate()))) {
            d.setId(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw new JobNotFoundException("job " + id + " not found");
                return new State(JobStatus.fromWire(rs.getString(1)), rs.getString(2));
            }
        }
    }

    private List<UUID> ids(PreparedStatement ps) throws SQLException {
        List<UUID> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(d.getId(rs, "id"));
        }
        return out;
    }

    /** Running jobs in the tree are asked to stop; every other live one is cancelled at once. */
    CancelResult cancel(Connection c, UUID id, Instant now) throws SQLException {
        State s = lockState(c, id);
        if (s.status == COMPLETED || s.status == FAILED) {
            throw new ConflictException("job " + id + " is already " + s.status.wireName() + "; nothing to cancel");
        }
        List<UUID> requested;
        try (PreparedStatement ps = c.prepareStatement(d.sql(TREE + "UPDATE {jobs} SET cancel_requested = "
                + "(1 = 1), updated_at = ? WHERE id IN (SELECT id FROM tree) AND status = 'running' AND NOT cancel_requested RETURNING id"))) {
            d.setId(ps, 1, id);
            d.setTime(ps, 2, now);
            requested = ids(ps);
        }
        List<UUID> cancelled;
        try (PreparedStatement ps = c.prepareStatement(d.sql(TREE + "UPDATE {jobs} SET status = 'cancelled', finished_at = ?, "
                + "updated_at = ? WHERE id IN (SELECT id FROM tree) AND "
                + Guards.into("status", CANCELLED, SCHEDULED, PENDING, WAITING) + " RETURNING id"))) {
            d.setId(ps, 1, id);
            d.setTime(ps, 2, now);
            d.setTime(ps, 3, now);
            cancelled = ids(ps);
        }
        Job job = queries.get(c, id).orElseThrow(() -> new JobNotFoundException("job " + id + " not found"));
        return new CancelResult(job, cancelled, requested);
    }

    /** A failed or cancelled job back to pending, with one more attempt if its attempts were used up. */
    Job restart(Connection c, UUID id, Instant now) throws SQLException {
        State s = lockState(c, id);
        if (s.status != FAILED && s.status != CANCELLED) {
            throw new ConflictException("job " + id + " is " + s.status.wireName() + "; only failed or cancelled jobs can be restarted");
        }
        if (s.uniqueKey != null) {
            try (PreparedStatement ps = c.prepareStatement(d.sql("SELECT id FROM {jobs} WHERE unique_key = ? AND "
                    + Guards.in("status", JobStatus.live()) + " LIMIT 1"))) {
                ps.setString(1, s.uniqueKey);
                List<UUID> holder = ids(ps);
                if (!holder.isEmpty()) {
                    throw new ConflictException("job " + id + ": unique key '" + s.uniqueKey + "' is held by live job " + holder.get(0));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(d.sql("UPDATE {jobs} SET status = 'pending', run_at = ?, max_attempts = "
                + d.greatest("max_attempts", "attempt + 1") + ", cancel_requested = (1 = 0), finished_at = NULL, "
                + "lease_owner = NULL, updated_at = ? WHERE id = ? AND " + Guards.into("status", PENDING, FAILED, CANCELLED)
                + " RETURNING " + JobRows.COLUMNS))) {
            d.setTime(ps, 1, now);
            d.setTime(ps, 2, now);
            d.setId(ps, 3, id);
            List<Job> out = queries.jobs(ps);
            if (out.isEmpty()) throw new ConflictException("job " + id + " changed while restarting; try again");
            return out.get(0);
        } catch (SQLException e) {
            // a live job took the unique key between the check and the update
            if ("23505".equals(e.getSQLState()) || e.getMessage() != null && e.getMessage().contains("UNIQUE constraint failed")) {
                throw new ConflictException("job " + id + ": unique key '" + s.uniqueKey + "' is held by a live job");
            }
            throw e;
        }
    }

    /** Deletes a terminal job, its descendants (all terminal) and their logs. */
    void delete(Connection c, UUID id) throws SQLException {
        List<UUID> tree = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(d.sql(TREE + "SELECT j.id, j.status FROM {jobs} j JOIN tree t ON j.id = t.id "
                + "ORDER BY j.depth, j.id" + (d.forUpdate().isEmpty() ? "" : " FOR UPDATE OF j")))) {
            d.setId(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID jid = d.getId(rs, "id");
                    JobStatus st = JobStatus.fromWire(rs.getString("status"));
                    if (!st.isTerminal()) {
                        throw new ConflictException("job " + jid + " is " + st.wireName()
                                + (jid.equals(id) ? "" : " (a descendant of " + id + ")") + "; cancel it before deleting");
                    }
                    tree.add(jid);
                }
            }
        }
        if (tree.isEmpty()) throw new JobNotFoundException("job " + id + " not found");
        deleteJobs(c, tree);
    }

    /** Deletes the given jobs' logs and saved results, then the (terminal) jobs; returns how many jobs went. */
    private int deleteJobs(Connection c, List<UUID> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(d.sql("DELETE FROM {results} WHERE " + d.inIds("job_id")))) {
            d.setIds(c, ps, 1, ids);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(d.sql("DELETE FROM {logs} WHERE " + d.inIds("job_id")))) {
            d.setIds(c, ps, 1, ids);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(d.sql("DELETE FROM {jobs} WHERE " + d.inIds("id") + " AND "
                + Guards.in("status", JobStatus.terminal())))) {
            d.setIds(c, ps, 1, ids);
            return ps.executeUpdate();
        }
    }

    /** Scheduled jobs whose time has come become pending; returns the queues that got work. */
    Set<String> promoteDue(Connection c, Instant now, int limit, int[] promoted) throws SQLException {
        Set<String> queues = new LinkedHashSet<>();
        if (limit < 1) return queues;
        String guard = Guards.into("status", PENDING, SCHEDULED);
        try (PreparedStatement ps = c.prepareStatement(d.sql("UPDATE {jobs} SET status = 'pending', updated_at = ? WHERE id IN "
                + "(SELECT id FROM {jobs} WHERE " + guard + " AND run_at <= ? ORDER BY run_at LIMIT " + limit + skipLocked()
                + ") AND " + guard + " RETURNING queue"))) {
            d.setTime(ps, 1, now);
            d.setTime(ps, 2, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    promoted[0]++;
                    queues.add(rs.getString(1));
                }
            }
        }
        return queues;
    }

    private String skipLocked() {
        return d.forUpdate().isEmpty() ? "" : d.forUpdate() + " SKIP LOCKED";
    }

    /** Deletes up to {@code limit} terminal jobs finished before {@code before}: their logs first, then them. */
    int prune(Connection c, Instant before, int limit) throws SQLException {
        if (limit < 1) return 0;
        List<UUID> doomed;
        // locked so that a concurrent restart cannot revive a job whose logs are being deleted. A job
        // that finished before the cutoff was created before it, so its UUIDv7 id is below the
        // cutoff's: the status index is walked over old jobs only.
        try (PreparedStatement ps = c.prepareStatement(d.sql("SELECT id FROM {jobs} WHERE " + Guards.in("status", JobStatus.terminal())
                + " AND id < ? AND finished_at < ? LIMIT " + limit + skipLocked()))) {
            d.setId(ps, 1, Uuids.lowestAt(before));
            d.setTime(ps, 2, before);
            doomed = ids(ps);
        }
        return doomed.isEmpty() ? 0 : deleteJobs(c, doomed);
    }

    int expireResults(Connection c, Instant now, int limit) throws SQLException {
        if (limit < 1) return 0;
        try (PreparedStatement ps = c.prepareStatement(d.sql("UPDATE {jobs} SET result = NULL WHERE id IN (SELECT id FROM {jobs} "
                + "WHERE result IS NOT NULL AND result_expires_at IS NOT NULL AND result_expires_at <= ? "
                + "ORDER BY result_expires_at LIMIT " + limit + skipLocked() + ") AND result IS NOT NULL"))) {
            d.setTime(ps, 1, now);
            return ps.executeUpdate();
        }
    }
}
