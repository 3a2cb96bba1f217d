package io.ordo.store.jdbc;

import io.ordo.core.model.Dependency;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.DependencyRules;
import io.ordo.core.store.DependencyStore.Release;
import io.ordo.core.store.DependsOn;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.SubmitResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Statements of {@code ordo_job_deps}: the jobs a waiting job depends on. A dependant is released or
 * skipped by one guarded UPDATE (waiting → pending / skipped) after locking its row, so two nodes
 * evaluating it at once move it once; the counter and event triggers see an ordinary status change.
 */
final class DependencySql {
    private final SqlDialect d;
    private final JobQueries queries;
    private final String insertDep;
    private final String existing;
    private final String dependants;
    private final String lockJob;
    private final String depsOf;
    private final String drop;
    private final String release;
    private final String skip;
    private final String waitingFirst;
    private final String waitingAfter;

    DependencySql(SqlDialect d, JobQueries queries) {
        this.d = d;
        this.queries = queries;
        insertDep = d.sql("INSERT INTO {deps} (job_id, depends_on, run_on_failure) VALUES (?, ?, ?)");
        existing = d.sql("SELECT id FROM {jobs} WHERE " + d.inIds("id"));
        dependants = d.sql("SELECT DISTINCT job_id FROM {deps} WHERE " + d.inIds("depends_on"));
        lockJob = d.sql("SELECT status, attempt FROM {jobs} WHERE id = ?" + d.forUpdate());
        depsOf = d.sql("SELECT x.depends_on, x.run_on_failure, j.status FROM {deps} x LEFT JOIN {jobs} j ON j.id = x.depends_on "
                + "WHERE x.job_id = ? ORDER BY x.depends_on");
        drop = d.sql("DELETE FROM {deps} WHERE job_id = ?");
        release = d.sql("UPDATE {jobs} SET status = 'pending', updated_at = ? WHERE id = ? AND "
                + Guards.into("status", JobStatus.PENDING, JobStatus.WAITING));
        skip = d.sql("UPDATE {jobs} SET status = 'skipped', error = ?, finished_at = ?, updated_at = ? WHERE id = ? AND "
                + Guards.into("status", JobStatus.SKIPPED, JobStatus.WAITING));
        waitingFirst = d.sql("SELECT DISTINCT job_id FROM {deps} ORDER BY job_id LIMIT ?");
        waitingAfter = d.sql("SELECT DISTINCT job_id FROM {deps} WHERE job_id > ? ORDER BY job_id LIMIT ?");
    }

    /** Checks every dependency exists, inserts the jobs, writes the dependencies and evaluates each dependant. */
    List<SubmitResult> insert(Connection c, Submitter submitter, List<NewJob> jobs, InsertOptions options, List<DependsOn> deps)
            throws SQLException {
        Set<UUID> batch = new HashSet<>();
        jobs.forEach(n -> batch.add(n.id()));
        Set<UUID> asked = new LinkedHashSet<>();
        for (DependsOn x : deps) for (UUID on : x.on()) if (!batch.contains(on)) asked.add(on);
        Set<UUID> stored = new HashSet<>();
        if (!asked.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(existing)) {
                d.setIds(c, ps, 1, asked);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) stored.add(d.getId(rs, "id"));
                }
            }
        }
        DependencyRules.checkKnown(jobs, deps, batch, stored);
        List<SubmitResult> results = new ArrayList<>(submitter.insert(c, jobs, options));
        Map<UUID, UUID> resolved = new HashMap<>();
        Map<UUID, Integer> index = new HashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            resolved.put(jobs.get(i).id(), results.get(i).job().id());
            index.put(jobs.get(i).id(), i);
        }
        Instant now = jobs.get(0).createdAt();
        try (PreparedStatement ps = c.prepareStatement(insertDep)) {
            for (DependsOn x : deps) {
                if (!results.get(index.get(x.jobId())).created()) continue;
                for (UUID on : new LinkedHashSet<>(x.on().stream().map(id -> resolved.getOrDefault(id, id)).toList())) {
                    d.setId(ps, 1, x.jobId());
                    d.setId(ps, 2, on);
                    ps.setBoolean(3, x.runOnFailure());
                    ps.addBatch();
                }
            }
            ps.executeBatch();
        }
        // in dependency order: a batch job skipped here skips the batch jobs after it that depend on it
        for (DependsOn x : deps) {
            int i = index.get(x.jobId());
            if (!results.get(i).created()) continue;
            Release r = release(c, x.jobId(), now);
            if (r.moved() != null) results.set(i, new SubmitResult(r.job().orElseThrow(), true));
        }
        return results;
    }

    List<UUID> dependants(Connection c, java.util.Collection<UUID> jobIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dependants)) {
            d.setIds(c, ps, 1, jobIds);
            return ids(ps, "job_id");
        }
    }

    List<Dependency> dependencies(Connection c, UUID jobId) throws SQLException {
        List<Dependency> out = new ArrayList<>();
        depsOf(c, jobId, out);
        return out;
    }

    /** @return whether the dependant runs on failure (false when it has no rows) */
    private boolean depsOf(Connection c, UUID jobId, List<Dependency> out) throws SQLException {
        boolean runOnFailure = false;
        try (PreparedStatement ps = c.prepareStatement(depsOf)) {
            d.setId(ps, 1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String status = rs.getString("status");
                    out.add(new Dependency(d.getId(rs, "depends_on"), status == null ? null : JobStatus.fromWire(status)));
                    runOnFailure = rs.getBoolean("run_on_failure");
                }
            }
        }
        return runOnFailure;
    }

    /** Evaluates one dependant inside the caller's transaction (its row locked first). */
    Release release(Connection c, UUID jobId, Instant now) throws SQLException {
        JobStatus status = null;
        int attempt = 0;
        try (PreparedStatement ps = c.prepareStatement(lockJob)) {
            d.setId(ps, 1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    status = JobStatus.fromWire(rs.getString("status"));
                    attempt = rs.getInt("attempt");
                }
            }
        }
        List<Dependency> deps = new ArrayList<>();
        boolean runOnFailure = depsOf(c, jobId, deps);
        if (deps.isEmpty()) return new Release(null, status == null ? Optional.empty() : queries.get(c, jobId));
        if (status != JobStatus.WAITING || attempt != 0) { // deleted, or cancelled while it waited
            dropRows(c, jobId);
            return new Release(null, status == null ? Optional.empty() : queries.get(c, jobId));
        }
        DependencyRules.Verdict v = DependencyRules.decide(deps, runOnFailure);
        if (v.to() == null) return new Release(null, queries.get(c, jobId));
        int moved;
        if (v.to() == JobStatus.SKIPPED) {
            try (PreparedStatement ps = c.prepareStatement(skip)) {
                ps.setString(1, v.error());
                d.setTime(ps, 2, now);
                d.setTime(ps, 3, now);
                d.setId(ps, 4, jobId);
                moved = ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement(release)) {
                d.setTime(ps, 1, now);
                d.setId(ps, 2, jobId);
                moved = ps.executeUpdate();
            }
        }
        dropRows(c, jobId);
        Optional<Job> job = queries.get(c, jobId);
        return new Release(moved == 1 ? v.to() : null, job);
    }

    private void dropRows(Connection c, UUID jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(drop)) {
            d.setId(ps, 1, jobId);
            ps.executeUpdate();
        }
    }

    List<UUID> waiting(Connection c, UUID after, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(after == null ? waitingFirst : waitingAfter)) {
            int i = 1;
            if (after != null) d.setId(ps, i++, after);
            ps.setInt(i, limit);
            return ids(ps, "job_id");
        }
    }

    private List<UUID> ids(PreparedStatement ps, String column) throws SQLException {
        List<UUID> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(d.getId(rs, column));
        }
        return out;
    }
}
