package io.ordo.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.LeaseLostException;
import io.ordo.core.SpawnLimitException;
import io.ordo.core.model.IllegalTransitionException;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.Transitions;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.ScopeLimits;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.ordo.core.model.JobStatus.WAITING;

/**
 * The writes of trees of jobs: spawning children (with scope limits), finishing a waiting parent,
 * a parent's progress. All run inside a write transaction.
 */
final class TreeWrites {
    private final SqlDialect d;
    private final LeaseWrites leases;
    private final Submitter submitter;
    private final String lockRows;
    private final String addSpawned;
    private final String setProgress;
    private final Map<JobStatus, String> finishWaiting = new EnumMap<>(JobStatus.class);

    TreeWrites(SqlDialect d, LeaseWrites leases, Submitter submitter) {
        this.d = d;
        this.leases = leases;
        this.submitter = submitter;
        // in id order: the order in which other multi-row writes (heartbeats) meet the same rows
        lockRows = d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE " + d.inIds("id") + " ORDER BY id" + d.forUpdate());
        addSpawned = d.sql("UPDATE {jobs} SET spawned = spawned + ? WHERE id = ?");
        setProgress = d.sql("UPDATE {jobs} SET progress_current = ?, progress_total = ?, progress_text = ?, updated_at = ? WHERE id = ? AND "
                + Guards.in("status", JobStatus.live()));
        for (JobStatus to : JobStatus.values()) {
            // ends only: waiting -> pending is a continuation (resumeWaiting), not an end
            if (!Transitions.isLegal(WAITING, to) || !to.isTerminal()) continue;
            finishWaiting.put(to, d.sql("UPDATE {jobs} SET meta = " + d.mergeObject("meta") + ", status = ?, finished_at = ?, "
                    + "error = COALESCE(?, error), updated_at = ? WHERE id = ? AND "
                    + Guards.in("status", Transitions.sourcesOf(to, Set.of(WAITING)))));
        }
    }

    /**
     * Children of a running job. Without scopes: the parent's lease is checked (share-locking its
     * row) and the children are inserted. With scopes: the parent's and the scope jobs' rows are
     * locked, the children that resolve to existing jobs set aside (they cost nothing), the others
     * held to their scope's limits, and the scope jobs' {@code spawned} raised by what was created.
     */
    List<SubmitResult> spawn(Connection c, Lease parent, List<NewJob> children, InsertOptions options, boolean truncate)
            throws SQLException {
        Set<UUID> scopes = new HashSet<>();
        for (NewJob n : children) if (n.scopeId() != null && !n.scopeId().equals(n.id())) scopes.add(n.scopeId());
        if (scopes.isEmpty()) {
            if (!leases.lockHeld(c, parent)) throw lost(parent);
            return submitter.insert(c, children, options);
        }
        Set<UUID> locking = new HashSet<>(scopes);
        locking.add(parent.jobId());
        Map<UUID, Job> locked = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(lockRows)) {
            d.setIds(c, ps, 1, locking);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Job j = JobRows.job(rs, d);
                    locked.put(j.id(), j);
                }
            }
        }
        Job p = locked.get(parent.jobId());
        if (p == null || p.status() != JobStatus.RUNNING || !parent.owner().equals(p.leaseOwner()) || p.attempt() != parent.attempt()) {
            throw lost(parent);
        }

        Submitter.Plan plan = submitter.resolve(c, children);
        Map<UUID, Integer> accepted = new HashMap<>();
        for (int i = 0; i < children.size(); i++) {
            if (!plan.creates(i)) {
                // a duplicate within the spawn shares the fate of the child it duplicates
                if (plan.sameAs[i] >= 0 && plan.leftOut[plan.sameAs[i]]) plan.leftOut[i] = true;
                continue;
            }
            NewJob n = children.get(i);
            Job scope = n.scopeId() == null || n.scopeId().equals(n.id()) ? null : locked.get(n.scopeId());
            if (scope == null || scope.childPolicy() == null) continue;
            String over = ScopeLimits.violation(scope, n, scope.spawned() + accepted.getOrDefault(scope.id(), 0));
            if (over == null) {
                accepted.merge(scope.id(), 1, Integer::sum);
            } else if (truncate) {
                plan.leftOut[i] = true;
            } else {
                throw new SpawnLimitException(over);
            }
        }
        List<SubmitResult> out = submitter.write(c, plan, options);

        Map<UUID, Integer> created = new LinkedHashMap<>();
        for (SubmitResult r : out) {
            UUID s = r.job().scopeId();
            if (r.created() && s != null && !s.equals(r.job().id())) created.merge(s, 1, Integer::sum);
        }
        try (PreparedStatement ps = c.prepareStatement(addSpawned)) {
            for (Map.Entry<UUID, Integer> e : created.entrySet()) {
                ps.setInt(1, e.getValue());
                d.setId(ps, 2, e.getKey());
                ps.executeUpdate();
            }
        }
        return out;
    }

    private static LeaseLostException lost(Lease parent) {
        return new LeaseLostException("job " + parent.jobId() + ": lease lost, cannot spawn");
    }

    /** A waiting job to {@code to}; false when it is not (or no longer) waiting. */
    boolean finishWaiting(Connection c, UUID id, JobStatus to, String error, JsonNode metaPatch, Instant now) throws SQLException {
        String sql = finishWaiting.get(to);
        if (sql == null) throw new IllegalTransitionException(id.toString(), WAITING, to);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, metaPatch != null && metaPatch.isObject() ? Json.write(metaPatch) : null);
            ps.setString(2, to.wireName());
            d.setTime(ps, 3, now);
            ps.setString(4, error);
            d.setTime(ps, 5, now);
            d.setId(ps, 6, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** The progress of a job that is not terminal (a parent's, kept by its monitor). */
    boolean setProgress(Connection c, UUID id, long current, long total, String text, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(setProgress)) {
            ps.setLong(1, current);
            ps.setLong(2, total);
            ps.setString(3, text);
            d.setTime(ps, 4, now);
            d.setId(ps, 5, id);
            return ps.executeUpdate() == 1;
        }
    }
}
