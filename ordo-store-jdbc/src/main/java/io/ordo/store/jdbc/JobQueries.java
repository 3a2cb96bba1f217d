package io.ordo.store.jdbc;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.model.FailureGroup;
import io.ordo.core.model.FailureGroups;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Page;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Cursors;
import io.ordo.core.util.Uuids;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static io.ordo.core.model.JobStatus.COMPLETED;
import static io.ordo.core.model.JobStatus.PENDING;
import static io.ordo.core.model.JobStatus.RUNNING;
import static io.ordo.core.model.JobStatus.SCHEDULED;

/** Reads: single jobs, keyset listings, logs, counters and the maintenance scans. No OFFSET, no COUNT(*) over jobs. */
final class JobQueries {
    private final SqlDialect d;
    private final String get;
    private final String logs;
    private final String logsBefore;
    private final String counts;
    private final String nextScheduled;
    private final String backlog;
    private final String typeBacklog;
    private final String cacheHit;
    private final String childCounts;
    private final String scopeCounts;
    private final String treeCounts;
    private final String failed;

    JobQueries(SqlDialect d) {
        this.d = d;
        get = d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE id = ?");
        logs = d.sql("SELECT " + JobRows.LOG_COLUMNS + " FROM {logs} WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?");
        logsBefore = d.sql("SELECT " + JobRows.LOG_COLUMNS + " FROM {logs} WHERE job_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?");
        counts = d.sql("SELECT queue, status, SUM(n) FROM {counts} GROUP BY queue, status HAVING SUM(n) <> 0");
        typeBacklog = d.sql("SELECT COALESCE(SUM(n), 0) FROM {type_counts} WHERE type = ? AND " + Guards.in("status", Set.of(PENDING, SCHEDULED)));
        backlog = d.sql("SELECT COALESCE(SUM(n), 0) FROM {counts} WHERE queue = ? AND " + Guards.in("status", Set.of(PENDING, SCHEDULED)));
        cacheHit = d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE cache_key = ? AND " + Guards.in("status", Set.of(COMPLETED))
                + " AND (result_expires_at IS NULL OR result_expires_at > ?) ORDER BY finished_at DESC LIMIT 1");
        childCounts = d.sql("SELECT status, n FROM {children} WHERE parent_id = ? AND n <> 0");
        scopeCounts = d.sql("SELECT status, n FROM {scopes} WHERE scope_id = ? AND n <> 0");
        // every descendant of a root has a parent: the partial root index holds exactly them
        treeCounts = d.sql("SELECT status, count(*) AS n FROM {jobs} WHERE root_id = ? AND parent_id IS NOT NULL GROUP BY status");
        failed = d.sql("SELECT id, type, error, finished_at FROM {jobs} WHERE " + Guards.in("status", Set.of(JobStatus.FAILED))
                + " ORDER BY id DESC LIMIT ?");
        nextScheduled = d.sql("SELECT MIN(run_at) AS t FROM {jobs} WHERE " + Guards.in("status", Set.of(SCHEDULED)));
    }

    Optional<Job> get(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(get)) {
            d.setId(ps, 1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(JobRows.job(rs, d)) : Optional.empty();
            }
        }
    }

    /**
     * Newest first; one row more than the page tells whether there is a next page. A queue or type
     * filter that the counters say nothing matches is answered without reading jobs: walking the
     * primary key for it would read the whole table.
     */
    Page<Job> list(Connection c, JobFilter f, String cursor, int limit) throws SQLException {
        if (limit < 1) throw new InvalidRequestException("limit must be at least 1 (got " + limit + ")");
        UUID after = Cursors.decode(cursor);
        if (f.parentId() == null && f.rootId() == null && f.scopeId() == null && noneCounted(c, f)) return new Page<>(List.of(), null);
        if (f.rootId() == null) return page(rows(c, f, after, limit + 1, Tree.ANY), limit);
        // a root's tree: its descendants through the (partial) root index, and the root itself, which has no parent
        List<Job> rows = new ArrayList<>(rows(c, f, after, limit + 1, Tree.DESCENDANTS));
        rows.addAll(rows(c, f, after, 1, Tree.ROOT));
        rows.sort(Comparator.comparing(Job::id, Uuids.ORDER).reversed());
        return page(rows, limit);
    }

    /** Which rows of a root filter a query reads (ANY: the filter as it is). */
    enum Tree { ANY, DESCENDANTS, ROOT }

    private List<Job> rows(Connection c, JobFilter f, UUID after, int max, Tree tree) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(listSql(f, after != null, max, tree))) {
            // by queue or type the walk is short for a common value and the whole table for a rare one
            if (f.queue() != null || f.type() != null) d.planForEachValue(ps);
            int i = 1;
            if (f.queue() != null) ps.setString(i++, f.queue());
            if (f.type() != null) ps.setString(i++, f.type());
            if (f.parentId() != null) d.setId(ps, i++, f.parentId());
            if (tree != Tree.ANY) d.setId(ps, i++, f.rootId());
            if (f.scopeId() != null) d.setId(ps, i++, f.scopeId());
            if (f.error() != null) ps.setString(i++, f.error());
            if (after != null) d.setId(ps, i, after);
            return jobs(ps);
        }
    }

    /**
     * A listing's statement: statuses are literals (partial indexes such as the failed one match
     * only literals, also in a generic plan); then binds queue, type, parent, root, scope, error and
     * the id to start below, each when the filter has it.
     */
    String listSql(JobFilter f, boolean paged, int max, Tree tree) {
        StringBuilder sql = new StringBuilder("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE 1 = 1");
        if (f.statuses() != null) sql.append(" AND ").append(Guards.in("status", f.statuses()));
        if (f.queue() != null) sql.append(" AND queue = ?");
        if (f.type() != null) sql.append(" AND type = ?");
        if (f.parentId() != null) sql.append(" AND parent_id = ?");
        if (tree == Tree.DESCENDANTS) sql.append(" AND root_id = ? AND parent_id IS NOT NULL");
        if (tree == Tree.ROOT) sql.append(" AND id = ? AND parent_id IS NULL");
        if (f.scopeId() != null) sql.append(" AND scope_id = ?");
        if (f.error() != null) sql.append(" AND error = ?");
        if (paged) sql.append(" AND id < ?");
        sql.append(" ORDER BY id DESC LIMIT ").append(max);
        return d.sql(sql.toString());
    }

    /**
     * Whether the counters by queue and status, or by type and status, say that no job has the
     * filter's queue or type (in one of its statuses). Counters are written in the transaction that
     * changes the job, so a zero here is as true as an empty listing would have been.
     */
    private boolean noneCounted(Connection c, JobFilter f) throws SQLException {
        if (f.queue() == null && f.type() == null) return false;
        String statuses = f.statuses() == null ? "" : " AND " + Guards.in("status", f.statuses());
        List<String> parts = new ArrayList<>();
        if (f.queue() != null) parts.add("(SELECT COALESCE(SUM(n), 0) FROM {counts} WHERE queue = ?" + statuses + ")");
        if (f.type() != null) parts.add("(SELECT COALESCE(SUM(n), 0) FROM {type_counts} WHERE type = ?" + statuses + ")");
        try (PreparedStatement ps = c.prepareStatement(d.sql("SELECT " + String.join(", ", parts)))) {
            int i = 1;
            if (f.queue() != null) ps.setString(i++, f.queue());
            if (f.type() != null) ps.setString(i, f.type());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int k = 1; k <= parts.size(); k++) {
                    if (rs.getLong(k) <= 0) return true;
                }
                return false;
            }
        }
    }

    /** Runs of a definition, newest first, through the runs index (V3). */
    Page<Job> definitionRuns(Connection c, String definitionId, String cursor, int limit) throws SQLException {
        if (limit < 1) throw new InvalidRequestException("limit must be at least 1 (got " + limit + ")");
        UUID after = Cursors.decode(cursor);
        try (PreparedStatement ps = c.prepareStatement(definitionRunsSql(after != null, limit + 1))) {
            ps.setString(1, definitionId);
            if (after != null) d.setId(ps, 2, after);
            return page(jobs(ps), limit);
        }
    }

    /**
     * Binds the definition id, then (when {@code paged}) the id to start below. The type and the
     * absent parent are literals: they are the runs index's predicate, which a planner can only
     * match against literals, also in a generic plan.
     */
    String definitionRunsSql(boolean paged, int rows) {
        return d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE type = '" + JobStore.RUN_TYPE + "' AND parent_id IS NULL"
                + " AND definition_id = ?" + (paged ? " AND id < ?" : "") + " ORDER BY id DESC LIMIT " + rows);
    }

    /** Batch jobs, newest first, through the batches index (V12). */
    Page<Job> batches(Connection c, String cursor, int limit) throws SQLException {
        if (limit < 1) throw new InvalidRequestException("limit must be at least 1 (got " + limit + ")");
        UUID after = Cursors.decode(cursor);
        try (PreparedStatement ps = c.prepareStatement(batchesSql(after != null, limit + 1))) {
            if (after != null) d.setId(ps, 1, after);
            return page(jobs(ps), limit);
        }
    }

    /** The type is a literal: it is the batches index's predicate (see {@link #definitionRunsSql}). */
    String batchesSql(boolean paged, int rows) {
        return d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE type = '" + JobStore.BATCH_TYPE + "'"
                + (paged ? " AND id < ?" : "") + " ORDER BY id DESC LIMIT " + rows);
    }

    /** The newest {@code scan} failed jobs (through the status index), grouped by type and error. */
    List<FailureGroup> failureGroups(Connection c, int scan, int limit) throws SQLException {
        FailureGroups groups = new FailureGroups();
        try (PreparedStatement ps = c.prepareStatement(failed)) {
            ps.setInt(1, scan);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) groups.add(d.getId(rs, "id"), rs.getString("type"), rs.getString("error"), d.getTime(rs, "finished_at"));
            }
        }
        return groups.groups(limit);
    }

    /** A page of {@code limit} from up to {@code limit + 1} rows, newest first: an extra row says that a next page exists. */
    private static Page<Job> page(List<Job> items, int limit) {
        if (items.size() <= limit) return new Page<>(items, null);
        List<Job> page = items.subList(0, limit);
        return new Page<>(page, Cursors.encode(page.get(limit - 1).id()));
    }

    List<JobLog> logs(Connection c, UUID jobId, long afterSeq, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(logs)) {
            d.setId(ps, 1, jobId);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            List<JobLog> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(JobRows.log(rs, d));
            }
            return out;
        }
    }

    List<JobLog> logsBefore(Connection c, UUID jobId, long beforeSeq, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(logsBefore)) {
            d.setId(ps, 1, jobId);
            ps.setLong(2, beforeSeq);
            ps.setInt(3, limit);
            List<JobLog> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(JobRows.log(rs, d));
            }
            return out.reversed();
        }
    }

    Map<String, Map<JobStatus, Long>> counts(Connection c) throws SQLException {
        Map<String, Map<JobStatus, Long>> out = new TreeMap<>();
        try (PreparedStatement ps = c.prepareStatement(counts); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getString(1), q -> new EnumMap<>(JobStatus.class))
                        .put(JobStatus.fromWire(rs.getString(2)), rs.getLong(3));
            }
        }
        return out;
    }

    /** The newest completed job with this cache key whose result still lives at {@code now}. */
    Optional<Job> cached(Connection c, String cacheKey, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(cacheHit)) {
            ps.setString(1, cacheKey);
            d.setTime(ps, 2, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(JobRows.job(rs, d)) : Optional.empty();
            }
        }
    }

    /** Direct children of a job by status, from their counters (non-zero only). */
    Map<JobStatus, Long> childCounts(Connection c, UUID parentId) throws SQLException {
        return byStatus(c, childCounts, parentId);
    }

    /** Jobs of a scope (the scope job excluded) by status, from their counters (non-zero only). */
    Map<JobStatus, Long> scopeCounts(Connection c, UUID scopeId) throws SQLException {
        return byStatus(c, scopeCounts, scopeId);
    }

    /** Every descendant of a root by status: one query over the root index. */
    Map<JobStatus, Long> treeCounts(Connection c, UUID rootId) throws SQLException {
        return byStatus(c, treeCounts, rootId);
    }

    private Map<JobStatus, Long> byStatus(Connection c, String sql, UUID key) throws SQLException {
        Map<JobStatus, Long> out = new EnumMap<>(JobStatus.class);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            d.setId(ps, 1, key);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(JobStatus.fromWire(rs.getString("status")), rs.getLong("n"));
            }
        }
        return out;
    }

    /** Jobs waiting in a queue (pending and scheduled), from the counters: what its capacity limits. */
    long backlog(Connection c, String queue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(backlog)) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Jobs of a type waiting in any queue, from the counters: what a type's stored capacity limits. */
    long typeBacklog(Connection c, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(typeBacklog)) {
            ps.setString(1, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    Optional<Instant> nextScheduledAt(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(nextScheduled); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.ofNullable(d.getTime(rs, "t")) : Optional.empty();
        }
    }

    List<Job> expiredLeases(Connection c, Instant now, int limit) throws SQLException {
        if (limit < 1) return List.of();
        String sql = d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE " + Guards.in("status", Set.of(RUNNING))
                + " AND lease_until < ? ORDER BY lease_until LIMIT " + limit);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            d.setTime(ps, 1, now);
            List<Job> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(JobRows.job(rs, d));
            }
            return out;
        }
    }

    /** Every job a prepared query returns. */
    List<Job> jobs(PreparedStatement ps) throws SQLException {
        List<Job> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(JobRows.job(rs, d));
        }
        return out;
    }
}
