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
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Inserts a batch of jobs on one connection, inside the caller's transaction, in two steps:
 * {@link #resolve} finds what each job resolves to without writing (a live holder of its unique key,
 * a job of its tree with its dedup key, for a top-level job a completed job with its cache key, or an
 * earlier job of the batch with the same key); {@link #write} checks queue capacity (nothing is
 * written when a queue is full), inserts the rest in one go, and resolves rows the database refused
 * as duplicates (an id inserted before, or a key taken meanwhile by a concurrent insert) to the job
 * that holds them. A spawn checks its scope limits between the two.
 */
final class Submitter {
    /** How often a row whose unique key's holder finished meanwhile is tried again before giving up. */
    private static final int MAX_ROUNDS = 10;

    private final SqlDialect d;
    private final JobQueries queries;
    private final JdbcJobStore store;
    private final String liveByUniqueKey;
    private final String byDedupKey;

    Submitter(SqlDialect d, JobQueries queries, JdbcJobStore store) {
        this.d = d;
        this.queries = queries;
        this.store = store;
        liveByUniqueKey = d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE unique_key = ? AND "
                + Guards.in("status", JobStatus.live()) + " LIMIT 1");
        byDedupKey = d.sql("SELECT " + JobRows.COLUMNS + " FROM {jobs} WHERE root_id = ? AND dedup_key = ?");
    }

    /** What each job of a batch comes to before anything is written. */
    static final class Plan {
        final List<NewJob> jobs;
        /** Resolved to this stored job. */
        final Job[] existing;
        /** Resolved to the job at this earlier index of the batch (-1: not). */
        final int[] sameAs;
        /** Left out by a scope limit (a truncated spawn): not inserted, not in the result. */
        final boolean[] leftOut;

        Plan(List<NewJob> jobs) {
            this.jobs = jobs;
            existing = new Job[jobs.size()];
            sameAs = new int[jobs.size()];
            leftOut = new boolean[jobs.size()];
            Arrays.fill(sameAs, -1);
        }

        boolean creates(int i) {
            return existing[i] == null && sameAs[i] < 0 && !leftOut[i];
        }
    }

    List<SubmitResult> insert(Connection c, List<NewJob> jobs, InsertOptions options) throws SQLException {
        if (jobs.isEmpty()) return List.of();
        return write(c, resolve(c, jobs), options);
    }

    /** Reads only: each job's existing match, or the earlier job of the batch it duplicates. */
    Plan resolve(Connection c, List<NewJob> jobs) throws SQLException {
        Plan p = new Plan(jobs);
        Map<String, Integer> batchUnique = new HashMap<>();
        Map<String, Integer> batchDedup = new HashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            NewJob n = jobs.get(i);
            Optional<Job> existing = existing(c, n);
            if (existing.isPresent()) {
                p.existing[i] = existing.get();
            } else if (n.uniqueKey() != null && batchUnique.containsKey(n.uniqueKey())) {
                p.sameAs[i] = batchUnique.get(n.uniqueKey());
            } else if (n.dedupKey() != null && batchDedup.containsKey(dedupOf(n))) {
                p.sameAs[i] = batchDedup.get(dedupOf(n));
            } else {
                if (n.uniqueKey() != null) batchUnique.put(n.uniqueKey(), i);
                if (n.dedupKey() != null) batchDedup.put(dedupOf(n), i);
            }
        }
        return p;
    }

    private static UUID rootOf(NewJob n) {
        return n.rootId() == null ? n.id() : n.rootId();
    }

    private static String dedupOf(NewJob n) {
        return rootOf(n) + "|" + n.dedupKey();
    }

    /** Writes what {@code p} says must be created; results in input order, without the jobs left out. */
    List<SubmitResult> write(Connection c, Plan p, InsertOptions options) throws SQLException {
        List<NewJob> jobs = p.jobs;
        int size = jobs.size();
        List<Integer> creating = new ArrayList<>();
        // jobs recorded waiting or in a final state take no room in their queue
        Map<String, Integer> adding = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            if (!p.creates(i)) continue;
            creating.add(i);
            NewJob n = jobs.get(i);
            if (n.status() == JobStatus.PENDING || n.status() == JobStatus.SCHEDULED) adding.merge(n.queue(), 1, Integer::sum);
        }
        // capacity is checked against counters that only this lock's holder may grow (PostgreSQL);
        // a type's lock key "type/T" cannot be a queue's (queue names have no '/')
        TreeSet<String> capped = new TreeSet<>();
        for (String q : adding.keySet()) if (options.capacityOf(q) != null) capped.add(q);
        Map<String, Integer> addingByType = new LinkedHashMap<>();
        if (!options.typeCapacity().isEmpty()) {
            for (int i : creating) {
                NewJob n = jobs.get(i);
                if ((n.status() == JobStatus.PENDING || n.status() == JobStatus.SCHEDULED) && options.typeCapacityOf(n.type()) != null) {
                    addingByType.merge(n.type(), 1, Integer::sum);
                }
            }
        }
        TreeSet<String> lockKeys = new TreeSet<>(capped);
        for (String t : addingByType.keySet()) lockKeys.add("type/" + t);
        store.lockQueues(c, lockKeys);
        for (String q : capped) {
            int cap = options.capacityOf(q);
            long backlog = queries.backlog(c, q);
            if (backlog + adding.get(q) > cap) throw new QueueFullException(q, backlog, cap, adding.get(q));
        }
        for (Map.Entry<String, Integer> t : addingByType.entrySet()) {
            int cap = options.typeCapacityOf(t.getKey());
            long backlog = queries.typeBacklog(c, t.getKey());
            if (backlog + t.getValue() > cap) throw QueueFullException.ofType(t.getKey(), backlog, cap, t.getValue());
        }

        SubmitResult[] out = new SubmitResult[size];
        for (int i = 0; i < size; i++) if (p.existing[i] != null) out[i] = new SubmitResult(p.existing[i], false);
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
                // refused as a duplicate: the same id inserted before (a retried submit), a live
                // holder of its unique key, or the job of its tree that took its dedup key meanwhile
                Optional<Job> holder = queries.get(c, n.id());
                if (holder.isEmpty() && n.uniqueKey() != null) holder = one(c, liveByUniqueKey, n.uniqueKey());
                if (holder.isEmpty() && n.dedupKey() != null) holder = byDedup(c, n);
                if (holder.isPresent()) out[i] = new SubmitResult(holder.get(), false);
                else again.add(i); // the holder finished in between: the key is free now
            }
            creating = again;
        }
        List<SubmitResult> results = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            if (p.sameAs[i] >= 0 && !p.leftOut[i]) out[i] = new SubmitResult(out[p.sameAs[i]].job(), false);
            if (!p.leftOut[i]) results.add(out[i]);
        }
        if (!ready.isEmpty()) store.jobsReady(c, ready);
        return results;
    }

    /**
     * A live job holding {@code n}'s unique key, else the job of its tree with its dedup key, else —
     * for a top-level job only — a completed job with its cache key whose result still lives.
     */
    private Optional<Job> existing(Connection c, NewJob n) throws SQLException {
        if (n.uniqueKey() != null) {
            Optional<Job> live = one(c, liveByUniqueKey, n.uniqueKey());
            if (live.isPresent()) return live;
        }
        if (n.dedupKey() != null) {
            Optional<Job> same = byDedup(c, n);
            if (same.isPresent()) return same;
        }
        // a definition's steps look the cache up themselves (findCached)
        if (n.cacheKey() != null && n.parentId() == null) return queries.cached(c, n.cacheKey(), n.createdAt());
        return Optional.empty();
    }

    private Optional<Job> byDedup(Connection c, NewJob n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(byDedupKey)) {
            d.setId(ps, 1, rootOf(n));
            ps.setString(2, n.dedupKey());
            return first(ps);
        }
    }

    private Optional<Job> one(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key);
            return first(ps);
        }
    }

    private Optional<Job> first(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(JobRows.job(rs, d)) : Optional.empty();
        }
    }
}
