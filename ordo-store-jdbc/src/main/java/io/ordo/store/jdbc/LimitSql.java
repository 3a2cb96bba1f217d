package io.ordo.store.jdbc;

import io.ordo.core.limits.ClaimPlan;
import io.ordo.core.limits.Limit;
import io.ordo.core.limits.LimitScope;
import io.ordo.core.limits.Rate;
import io.ordo.core.model.Job;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.LimitedClaim;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.ordo.core.model.JobStatus.RUNNING;

/**
 * The stored queue and type limits (table ordo_queue_limits) and the claim under them. A limited
 * claim runs in one transaction: lock the limit rows that apply (in scope, name order, so that two
 * claims cannot deadlock; on SQLite the single writer serialises anyway), count running jobs, work
 * out what may start ({@link ClaimPlan}), pick candidates in claim order, claim them with the
 * store's claim-by-ids statement, and count them into the rate windows. Every claimer of a limited
 * queue or type takes these locks, so max_running holds across nodes.
 */
final class LimitSql {
    private static final String COLUMNS = "scope, name, capacity, max_running, rate_n, rate_window_ms, window_start, window_used, updated_at";

    /** The store's claim-by-ids statement, run on the caller's connection. */
    interface ClaimIds {
        List<Job> claim(Connection c, ClaimRequest r, List<UUID> ids) throws SQLException;
    }

    private record Candidate(UUID id, String type, int priority, Instant runAt) {
    }

    private static final Comparator<Candidate> ORDER = Comparator.comparingInt(Candidate::priority).thenComparing(Candidate::runAt)
            .thenComparing(Candidate::id, io.ordo.core.util.Uuids.ORDER);

    private final SqlDialect d;
    private final String all;
    private final String lock;
    private final String upsert;
    private final String delete;
    private final String countWindow;
    private final String queueRunning;
    private final String typeRunning;
    private final String pendingByIds;

    LimitSql(SqlDialect d) {
        this.d = d;
        all = d.sql("SELECT " + COLUMNS + " FROM {queue_limits} ORDER BY scope, name");
        lock = d.sql("SELECT " + COLUMNS + " FROM {queue_limits} WHERE (scope = 'queue' AND name = ?) OR (scope = 'type' AND "
                + d.inTexts("name") + ") ORDER BY scope, name" + d.forUpdate());
        // a changed rate restarts its window; an unchanged one keeps what it counted
        upsert = d.sql("INSERT INTO {queue_limits} AS l (scope, name, capacity, max_running, rate_n, rate_window_ms, window_start, "
                + "window_used, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, 0, ?) ON CONFLICT (scope, name) DO UPDATE SET "
                + "capacity = excluded.capacity, max_running = excluded.max_running, "
                + "window_start = CASE WHEN " + same("rate_n") + " AND " + same("rate_window_ms")
                + " THEN l.window_start ELSE NULL END, "
                + "window_used = CASE WHEN " + same("rate_n") + " AND " + same("rate_window_ms")
                + " THEN l.window_used ELSE 0 END, "
                + "rate_n = excluded.rate_n, rate_window_ms = excluded.rate_window_ms, updated_at = excluded.updated_at");
        delete = d.sql("DELETE FROM {queue_limits} WHERE scope = ? AND name = ?");
        countWindow = d.sql("UPDATE {queue_limits} SET window_start = ?, window_used = ? WHERE scope = ? AND name = ?");
        queueRunning = d.sql("SELECT COALESCE(SUM(n), 0) FROM {counts} WHERE queue = ? AND status = 'running'");
        typeRunning = d.sql("SELECT COALESCE(SUM(n), 0) FROM {type_counts} WHERE type = ? AND status = 'running'");
        pendingByIds = d.sql("SELECT id, type, priority, run_at FROM {jobs} WHERE " + d.inIds("id") + " AND "
                + Guards.into("status", RUNNING) + " AND queue = ? AND " + d.inTexts("type")
                + " AND " + d.inTexts("requires") + d.forUpdate()); // capabilities: requires
    }

    /** Both NULL or equal (the stored row and the new values). */
    private static String same(String column) {
        return "(l." + column + " = excluded." + column + " OR (l." + column + " IS NULL AND excluded."
                + column + " IS NULL))";
    }

    // ---- settings -------------------------------------------------------------------------------

    List<Limit> all(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(all)) {
            return rows(ps);
        }
    }

    void save(Connection c, Limit l, Instant now) throws SQLException {
        if (l.isEmpty()) {
            delete(c, l.scope(), l.name());
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
            ps.setString(1, l.scope().wireName());
            ps.setString(2, l.name());
            setInt(ps, 3, l.capacity());
            setInt(ps, 4, l.maxRunning());
            setInt(ps, 5, l.rate() == null ? null : l.rate().n());
            if (l.rate() == null) ps.setNull(6, Types.BIGINT);
            else ps.setLong(6, l.rate().windowMillis());
            d.setTime(ps, 7, now);
            ps.executeUpdate();
        }
    }

    boolean delete(Connection c, LimitScope scope, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(delete)) {
            ps.setString(1, scope.wireName());
            ps.setString(2, name);
            return ps.executeUpdate() > 0;
        }
    }

    // ---- the limited claim ------------------------------------------------------------------------

    /**
     * Claims under the limits; {@code ids} null claims from the queue, otherwise only those ids (a
     * transport's deliveries). {@code plain} claims without limits, for when no limit row is left.
     */
    LimitedClaim claim(Connection c, ClaimRequest r, List<UUID> ids, ClaimIds claimIds, ClaimIds plain) throws SQLException {
        List<Limit> locked;
        try (PreparedStatement ps = c.prepareStatement(lock)) {
            ps.setString(1, r.queue());
            d.setTexts(c, ps, 2, r.types());
            locked = rows(ps);
        }
        Limit queueLimit = null;
        Map<String, Limit> typeLimits = new HashMap<>();
        for (Limit l : locked) {
            if (!l.limitsClaims()) continue;
            if (l.scope() == LimitScope.QUEUE) queueLimit = l;
            else typeLimits.put(l.name(), l);
        }
        if (queueLimit == null && typeLimits.isEmpty()) return LimitedClaim.unlimited(plain.claim(c, r, ids));

        long inQueue = queueLimit != null && queueLimit.maxRunning() != null ? count(c, queueRunning, r.queue()) : 0;
        Map<String, Long> byType = new HashMap<>();
        for (Limit l : typeLimits.values()) if (l.maxRunning() != null) byType.put(l.name(), count(c, typeRunning, l.name()));
        ClaimPlan plan = new ClaimPlan(r.limit(), r.types(), r.now(), queueLimit, typeLimits, inQueue, byType);

        List<Candidate> candidates = ids == null ? fromQueue(c, r, plan) : byIds(c, r, ids);
        List<Candidate> chosen = plan.total() == 0 ? List.of() : plan.choose(candidates, Candidate::type);
        List<Job> jobs = chosen.isEmpty() ? List.of() : claimIds.claim(c, r, chosen.stream().map(Candidate::id).toList());

        Map<String, Integer> claimedByType = new HashMap<>();
        for (Job j : jobs) claimedByType.merge(j.type(), 1, Integer::sum);
        for (Limit l : plan.counted(claimedByType)) {
            try (PreparedStatement ps = c.prepareStatement(countWindow)) {
                d.setTime(ps, 1, l.windowStart());
                ps.setLong(2, l.windowUsed());
                ps.setString(3, l.scope().wireName());
                ps.setString(4, l.name());
                ps.executeUpdate();
            }
        }
        Set<UUID> claimed = new HashSet<>();
        for (Job j : jobs) claimed.add(j.id());
        Set<UUID> deferred = new LinkedHashSet<>();
        if (ids != null) for (Candidate x : candidates) if (!claimed.contains(x.id())) deferred.add(x.id());
        return new LimitedClaim(jobs, deferred, plan.held(claimedByType), plan.windowEnds(claimedByType));
    }

    /**
     * Candidates in claim order: the types without a limit of their own in one pick of up to the
     * claim's total, each capped type in its own pick of up to its allowance, so that one type at
     * its cap cannot crowd the others out of the candidates.
     */
    private List<Candidate> fromQueue(Connection c, ClaimRequest r, ClaimPlan plan) throws SQLException {
        if (plan.total() == 0) return List.of();
        List<Candidate> out = new ArrayList<>();
        Set<String> uncapped = new LinkedHashSet<>();
        for (String t : plan.openTypes()) {
            if (plan.capped(t)) out.addAll(pick(c, r, Set.of(t), plan.allowance(t)));
            else uncapped.add(t);
        }
        if (!uncapped.isEmpty()) out.addAll(pick(c, r, uncapped, plan.total()));
        out.sort(ORDER);
        return out;
    }

    private List<Candidate> pick(Connection c, ClaimRequest r, Set<String> types, int limit) throws SQLException {
        if (limit < 1) return List.of();
        String sql = d.sql("SELECT id, type, priority, run_at FROM {jobs} WHERE " + Guards.into("status", RUNNING)
                + " AND queue = ? AND " + d.inTexts("type") + " AND " + d.inTexts("requires") // capabilities: requires
                + " ORDER BY priority, run_at, id LIMIT " + limit + d.forUpdateSkipLocked());
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, r.queue());
            d.setTexts(c, ps, 2, types);
            d.setTexts(c, ps, 3, r.requirementKeys());
            return candidates(ps);
        }
    }

    private List<Candidate> byIds(Connection c, ClaimRequest r, List<UUID> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(pendingByIds)) {
            d.setIds(c, ps, 1, ids);
            ps.setString(2, r.queue());
            d.setTexts(c, ps, 3, r.types());
            d.setTexts(c, ps, 4, r.requirementKeys());
            List<Candidate> out = candidates(ps);
            out.sort(ORDER);
            return out;
        }
    }

    private List<Candidate> candidates(PreparedStatement ps) throws SQLException {
        List<Candidate> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(new Candidate(d.getId(rs, "id"), rs.getString("type"), rs.getInt("priority"), d.getTime(rs, "run_at")));
        }
        return out;
    }

    private static long count(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private List<Limit> rows(PreparedStatement ps) throws SQLException {
        List<Limit> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                int rateN = rs.getInt("rate_n");
                Rate rate = rs.wasNull() ? null : new Rate(rateN, Duration.ofMillis(rs.getLong("rate_window_ms")));
                out.add(new Limit(LimitScope.fromWire(rs.getString("scope")), rs.getString("name"), getInt(rs, "capacity"),
                        getInt(rs, "max_running"), rate, d.getTime(rs, "window_start"), rs.getLong("window_used"),
                        d.getTime(rs, "updated_at")));
            }
        }
        return out;
    }

    private static Integer getInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) ps.setNull(i, Types.INTEGER);
        else ps.setInt(i, v);
    }
}
