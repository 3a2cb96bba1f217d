package io.ordo.store.jdbc;

import io.ordo.core.QueueFullException;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.SubmitResult;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Inserts a batch of jobs on one connection, inside the caller's transaction: resolves unique and
 * cache keys, checks queue capacity (nothing is written when a queue is full), inserts the rest in
 * one go, and resolves rows the database refused as duplicates to the job that holds their key.
 */
final class Submitter {
    /** How often a row whose unique key's holder finished meanwhile is tried again before giving up. */
    private static final int MAX_ROUNDS = 10;

    private final SqlDialect d;
    private final JobQueries queries;
    private final JdbcJobStore store;
    private final String liveByUniqueKey;
    private final String cacheHit;

    Submitter(SqlDialect d, JobQueries queries, JdbcJobStore store) {
        this.d = d;
        this.queries = queries;
        this.store = store;
        liveByUniqueKey = d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE unique_key = ? AND "
                + Guards.in("status", JobStatus.live()) + " LIMIT 1");
        cacheHit = d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE cache_key = ? AND status = 'completed' "
                + "AND (result_expires_at IS NULL OR result_expires_at > ?) ORDER BY finished_at DESC LIMIT 1");
    }

    List<SubmitResult> insert(Connection c, List<NewJob> jobs, InsertOptions options) throws SQLException {
        if (jobs.isEmpty()) return List.of();
        // capacity is checked against counters that only this lock's holder may grow (PostgreSQL)
        TreeSet<String> capped = new TreeSet<>();
        for (NewJob n : jobs) if (options.capacityOf(n.queue()) != null) capped.add(n.queue());
        store.lockQueues(c, capped);

        int size = jobs.size();
        SubmitResult[] out = new SubmitResult[size];
        int[] sameAs = new int[size];
        Map<String, Integer> batchUnique = new HashMap<>();
        Map<String, Integer> adding = new LinkedHashMap<>();
        List<Integer> creating = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            NewJob n = jobs.get(i);
            sameAs[i] = -1;
            Optional<Job> existing = existing(c, n);
            if (existing.isPresent()) {
                out[i] = new SubmitResult(existing.get(), false);
            } else if (n.uniqueKey() != null && batchUnique.containsKey(n.uniqueKey())) {
                sameAs[i] = batchUnique.get(n.uniqueKey());
            } else {
                if (n.uniqueKey() != null) batchUnique.put(n.uniqueKey(), i);
                adding.merge(n.queue(), 1, Integer::sum);
                creating.add(i);
            }
        }
        for (Map.Entry<String, Integer> e : adding.entrySet()) {
            Integer cap = options.capacityOf(e.getKey());
            if (cap == null) continue;
            long backlog = queries.backlog(c, e.getKey());
            if (backlog + e.getValue() > cap) throw new QueueFullException(e.getKey(), backlog, cap, e.getValue());
        }

        TreeSet<String> ready = new TreeSet<>();
        for (int round = 0; !creating.isEmpty(); round++) {
            if (round == MAX_ROUNDS) {
                throw new JdbcStoreException("could not insert job " + jobs.get(creating.get(0)).id()
                        + ": its unique key kept changing hands; try again");
            }
            Map<UUID, Job> inserted = new HashMap<>();
            for (Job j : store.insertRows(c, creating.stream().map(jobs::get).toList())) inserted.put(j.id(), j);
            List<Integer> again = new ArrayList<>();
            for (int i : creating) {
                NewJob n = jobs.get(i);
                Job made = inserted.remove(n.id());
                if (made != null) {
                    out[i] = new SubmitResult(made, true);
                    if (made.status() == JobStatus.PENDING) ready.add(made.queue());
                    continue;
                }
                // refused as a duplicate: the same id inserted before (a retried submit), or a live holder of its key
                Optional<Job> holder = queries.get(c, n.id());
                if (holder.isEmpty() && n.uniqueKey() != null) holder = one(c, liveByUniqueKey, n.uniqueKey(), null);
                if (holder.isPresent()) out[i] = new SubmitResult(holder.get(), false);
                else again.add(i); // the holder finished in between: the key is free now
            }
            creating = again;
        }
        for (int i = 0; i < size; i++) {
            if (sameAs[i] >= 0) out[i] = new SubmitResult(out[sameAs[i]].job(), false);
        }
        if (!ready.isEmpty()) store.jobsReady(c, ready);
        return List.of(out);
    }

    /** A live job holding {@code n}'s unique key, else a completed job with its cache key whose result still lives. */
    private Optional<Job> existing(Connection c, NewJob n) throws SQLException {
        if (n.uniqueKey() != null) {
            Optional<Job> live = one(c, liveByUniqueKey, n.uniqueKey(), null);
            if (live.isPresent()) return live;
        }
        if (n.cacheKey() != null) return one(c, cacheHit, n.cacheKey(), n);
        return Optional.empty();
    }

    private Optional<Job> one(Connection c, String sql, String key, NewJob forCache) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            if (forCache != null) d.setTime(ps, 2, forCache.createdAt());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(JobRows.job(rs, d)) : Optional.empty();
            }
        }
    }
}
