package io.ordo.core.store.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.ConflictException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.LeaseLostException;
import io.ordo.core.QueueFullException;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.IllegalTransitionException;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.LogLevel;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.Page;
import io.ordo.core.model.Transitions;
import io.ordo.core.store.CancelResult;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.Failure;
import io.ordo.core.store.HeartbeatResult;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Cursors;
import io.ordo.core.util.Uuids;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link JobStore} in memory, for tests and throw-away runs. Same contract as the SQL stores;
 * nothing survives the JVM. One lock serializes every operation.
 */
public final class InMemoryJobStore implements JobStore {
    private static final Comparator<MemoryRow> CLAIM_ORDER = Comparator.<MemoryRow>comparingInt(r -> r.priority)
            .thenComparing(r -> r.runAt).thenComparing((MemoryRow r) -> r.id, Uuids.ORDER);

    private final ReentrantLock lock = new ReentrantLock();
    private final NavigableMap<UUID, MemoryRow> rows = new TreeMap<>(Uuids.ORDER);
    private final Map<String, TreeSet<MemoryRow>> pendingByQueue = new HashMap<>();
    private final Map<String, UUID> liveUniqueKeys = new HashMap<>();
    private final Map<UUID, Set<UUID>> childrenOf = new HashMap<>();
    private final Map<UUID, List<JobLog>> logs = new HashMap<>();
    private final Map<String, Map<JobStatus, Long>> counts = new TreeMap<>();
    private long logSeq;

    @Override
    public String kind() {
        return "memory";
    }

    // ---- status changes: every one goes through here ----------------------------------------

    private void move(MemoryRow r, JobStatus to, Instant now) {
        Transitions.check(r.id.toString(), r.status, to);
        leaveStatus(r);
        r.status = to;
        r.updatedAt = now;
        enterStatus(r);
    }

    private void leaveStatus(MemoryRow r) {
        if (r.status == JobStatus.PENDING) pendingByQueue.get(r.queue).remove(r);
        counts.get(r.queue).merge(r.status, -1L, Long::sum);
    }

    private void enterStatus(MemoryRow r) {
        if (r.status == JobStatus.PENDING) pendingByQueue.computeIfAbsent(r.queue, q -> new TreeSet<>(CLAIM_ORDER)).add(r);
        counts.computeIfAbsent(r.queue, q -> new EnumMap<>(JobStatus.class)).merge(r.status, 1L, Long::sum);
        if (r.uniqueKey != null) {
            if (r.status.isTerminal()) liveUniqueKeys.remove(r.uniqueKey, r.id);
            else liveUniqueKeys.put(r.uniqueKey, r.id);
        }
    }

    private MemoryRow row(UUID id) {
        MemoryRow r = rows.get(id);
        if (r == null) throw new JobNotFoundException("job " + id + " not found");
        return r;
    }

    private MemoryRow leased(Lease lease) {
        MemoryRow r = rows.get(lease.jobId());
        return r != null && r.holds(lease) ? r : null;
    }

    // ---- submit -------------------------------------------------------------------------------

    @Override
    public List<SubmitResult> insert(List<NewJob> jobs, InsertOptions options) {
        lock.lock();
        try {
            return insertLocked(jobs, options);
        } finally {
            lock.unlock();
        }
    }

    private List<SubmitResult> insertLocked(List<NewJob> jobs, InsertOptions options) {
        // pass 1: resolve duplicates without writing, so a full queue rejects the whole batch
        Object[] resolved = new Object[jobs.size()];
        Map<String, Integer> batchUnique = new HashMap<>();
        Map<String, Integer> creating = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            NewJob n = jobs.get(i);
            MemoryRow existing = existingFor(n);
            if (existing != null) {
                resolved[i] = existing;
            } else if (n.uniqueKey() != null && batchUnique.containsKey(n.uniqueKey())) {
                resolved[i] = batchUnique.get(n.uniqueKey());
            } else {
                if (n.uniqueKey() != null) batchUnique.put(n.uniqueKey(), i);
                creating.merge(n.queue(), 1, Integer::sum);
            }
        }
        creating.forEach((queue, adding) -> {
            Integer cap = options.capacityOf(queue);
            if (cap == null) return;
            long backlog = count(queue, JobStatus.PENDING) + count(queue, JobStatus.SCHEDULED);
            if (backlog + adding > cap) throw new QueueFullException(queue, backlog, cap, adding);
        });
        // pass 2: write
        List<SubmitResult> out = new ArrayList<>(jobs.size());
        MemoryRow[] made = new MemoryRow[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            if (resolved[i] instanceof MemoryRow r) {
                out.add(new SubmitResult(r.toJob(), false));
            } else if (resolved[i] instanceof Integer first) {
                out.add(new SubmitResult(made[first].toJob(), false));
            } else {
                MemoryRow r = new MemoryRow(jobs.get(i));
                rows.put(r.id, r);
                if (r.parentId != null) childrenOf.computeIfAbsent(r.parentId, p -> new HashSet<>()).add(r.id);
                enterStatus(r);
                made[i] = r;
                out.add(new SubmitResult(r.toJob(), true));
            }
        }
        return out;
    }

    private MemoryRow existingFor(NewJob n) {
        if (n.uniqueKey() != null) {
            UUID id = liveUniqueKeys.get(n.uniqueKey());
            if (id != null) return rows.get(id);
        }
        if (n.cacheKey() != null) {
            MemoryRow best = null;
            for (MemoryRow r : rows.values()) {
                if (n.cacheKey().equals(r.cacheKey) && r.status == JobStatus.COMPLETED
                        && (r.resultExpiresAt == null || r.resultExpiresAt.isAfter(n.createdAt()))
                        && (best == null || r.finishedAt.isAfter(best.finishedAt))) best = r;
            }
            return best;
        }
        return null;
    }

    private long count(String queue, JobStatus s) {
        Map<JobStatus, Long> m = counts.get(queue);
        return m == null ? 0 : m.getOrDefault(s, 0L);
    }

    @Override
    public List<SubmitResult> spawn(Lease parent, List<NewJob> children, InsertOptions options) {
        lock.lock();
        try {
            if (leased(parent) == null) throw new LeaseLostException("job " + parent.jobId() + ": lease lost, cannot spawn");
            return insertLocked(children, options);
        } finally {
            lock.unlock();
        }
    }

    // ---- worker hot path -----------------------------------------------------------------------

    @Override
    public List<Job> claim(ClaimRequest req) {
        lock.lock();
        try {
            TreeSet<MemoryRow> pending = pendingByQueue.get(req.queue());
            if (pending == null || pending.isEmpty()) return List.of();
            List<MemoryRow> picked = new ArrayList<>();
            for (MemoryRow r : pending) {
                if (req.types().contains(r.type)) picked.add(r);
                if (picked.size() == req.limit()) break;
            }
            List<Job> out = new ArrayList<>(picked.size());
            for (MemoryRow r : picked) {
                move(r, JobStatus.RUNNING, req.now());
                r.attempt++;
                r.leaseOwner = req.owner();
                r.leaseUntil = req.now().plus(req.lease());
                r.startedAt = req.now();
                out.add(r.toJob());
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Set<UUID> complete(List<Completion> completions) {
        lock.lock();
        try {
            Set<UUID> done = new HashSet<>();
            for (Completion c : completions) {
                MemoryRow r = leased(c.lease());
                if (r == null) continue;
                move(r, JobStatus.COMPLETED, c.now());
                if (c.result() != null) {
                    r.result = c.result();
                    r.resultExpiresAt = r.resultTtl == null ? null : c.now().plus(r.resultTtl);
                } else if (r.result != null && r.resultExpiresAt == null && r.resultTtl != null) {
                    r.resultExpiresAt = c.now().plus(r.resultTtl);
                }
                r.finishedAt = c.now();
                r.leaseUntil = null;
                done.add(r.id);
            }
            return done;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean fail(Failure f) {
        lock.lock();
        try {
            MemoryRow r = leased(f.lease());
            if (r == null) return false;
            endAttempt(r, f.next(), f.runAt(), f.error(), f.now());
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void endAttempt(MemoryRow r, JobStatus next, Instant runAt, AttemptError error, Instant now) {
        // run_at first: the pending index is ordered by it
        if (next == JobStatus.PENDING || next == JobStatus.SCHEDULED) r.runAt = runAt == null ? now : runAt;
        move(r, next, now);
        r.leaseUntil = null;
        if (error != null) {
            r.errors.add(error);
            r.error = error.message();
        }
        if (next.isTerminal()) r.finishedAt = now;
    }

    @Override
    public boolean finishCancelled(Lease lease, Instant now) {
        lock.lock();
        try {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            endAttempt(r, JobStatus.CANCELLED, null,
                    new AttemptError(r.attempt, r.leaseOwner, now, AttemptError.CANCELLED, "cancelled while running"), now);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean handBack(Lease lease, String reason, Instant now) {
        lock.lock();
        try {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            r.maxAttempts++;
            endAttempt(r, JobStatus.PENDING, now, new AttemptError(r.attempt, r.leaseOwner, now, AttemptError.SHUTDOWN, reason), now);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public HeartbeatResult heartbeat(Collection<Lease> leases, Instant leaseUntil, Instant now) {
        lock.lock();
        try {
            Set<UUID> lost = new HashSet<>();
            Set<UUID> cancel = new HashSet<>();
            for (Lease l : leases) {
                MemoryRow r = leased(l);
                if (r == null) {
                    lost.add(l.jobId());
                    continue;
                }
                r.leaseUntil = leaseUntil;
                r.updatedAt = now;
                if (r.cancelRequested) cancel.add(r.id);
            }
            return new HeartbeatResult(lost, cancel);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean progress(Lease lease, long current, long total, String text, Instant now) {
        lock.lock();
        try {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            r.progressCurrent = current;
            r.progressTotal = total;
            r.progressText = text;
            r.updatedAt = now;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean saveResult(Lease lease, JsonNode result, Instant expiresAt, Instant now) {
        lock.lock();
        try {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            r.result = result;
            r.resultExpiresAt = expiresAt;
            r.updatedAt = now;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean appendLog(Lease lease, LogLevel level, String message, Instant now) {
        lock.lock();
        try {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            logs.computeIfAbsent(r.id, k -> new ArrayList<>()).add(new JobLog(++logSeq, r.id, r.attempt, now, level, message));
            return true;
        } finally {
            lock.unlock();
        }
    }

    // ---- maintenance ---------------------------------------------------------------------------

    @Override
    public int promoteDue(Instant now, int limit) {
        lock.lock();
        try {
            List<MemoryRow> due = rows.values().stream()
                    .filter(r -> r.status == JobStatus.SCHEDULED && !r.runAt.isAfter(now))
                    .sorted(Comparator.comparing(r -> r.runAt)).limit(limit).toList();
            for (MemoryRow r : due) move(r, JobStatus.PENDING, now);
            return due.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Instant> nextScheduledAt() {
        lock.lock();
        try {
            return rows.values().stream().filter(r -> r.status == JobStatus.SCHEDULED).map(r -> r.runAt).min(Comparator.naturalOrder());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Job> expiredLeases(Instant now, int limit) {
        lock.lock();
        try {
            return rows.values().stream().filter(r -> r.status == JobStatus.RUNNING && r.leaseUntil.isBefore(now))
                    .limit(limit).map(MemoryRow::toJob).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean rescue(Lease lease, JobStatus next, Instant runAt, AttemptError error, Instant now) {
        lock.lock();
        try {
            MemoryRow r = leased(lease);
            if (r == null || !r.leaseUntil.isBefore(now)) return false;
            endAttempt(r, r.cancelRequested ? JobStatus.CANCELLED : next, runAt, error, now);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int prune(Instant before, int limit) {
        lock.lock();
        try {
            List<MemoryRow> old = rows.values().stream()
                    .filter(r -> r.status.isTerminal() && r.finishedAt != null && r.finishedAt.isBefore(before))
                    .limit(limit).toList();
            for (MemoryRow r : old) remove(r);
            return old.size();
        } finally {
            lock.unlock();
        }
    }

    private void remove(MemoryRow r) {
        leaveStatus(r);
        if (r.uniqueKey != null) liveUniqueKeys.remove(r.uniqueKey, r.id);
        rows.remove(r.id);
        logs.remove(r.id);
        childrenOf.remove(r.id);
        if (r.parentId != null) {
            Set<UUID> siblings = childrenOf.get(r.parentId);
            if (siblings != null) siblings.remove(r.id);
        }
    }

    @Override
    public int expireResults(Instant now, int limit) {
        lock.lock();
        try {
            int n = 0;
            for (MemoryRow r : rows.values()) {
                if (n == limit) break;
                if (r.result != null && r.resultExpiresAt != null && !r.resultExpiresAt.isAfter(now)) {
                    r.result = null;
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    // ---- reads and admin -----------------------------------------------------------------------

    @Override
    public Optional<Job> get(UUID id) {
        lock.lock();
        try {
            MemoryRow r = rows.get(id);
            return Optional.ofNullable(r == null ? null : r.toJob());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Page<Job> list(JobFilter f, String cursor, int limit) {
        UUID after = Cursors.decode(cursor);
        lock.lock();
        try {
            NavigableMap<UUID, MemoryRow> newestFirst = rows.descendingMap();
            if (after != null) newestFirst = newestFirst.tailMap(after, false);
            List<Job> items = new ArrayList<>();
            for (MemoryRow r : newestFirst.values()) {
                if (!matches(f, r)) continue;
                if (items.size() == limit) return new Page<>(items, Cursors.encode(items.get(limit - 1).id()));
                items.add(r.toJob());
            }
            return new Page<>(items, null);
        } finally {
            lock.unlock();
        }
    }

    private static boolean matches(JobFilter f, MemoryRow r) {
        return (f.statuses() == null || f.statuses().contains(r.status))
                && (f.queue() == null || f.queue().equals(r.queue))
                && (f.type() == null || f.type().equals(r.type))
                && (f.parentId() == null || f.parentId().equals(r.parentId))
                && (f.rootId() == null || f.rootId().equals(r.rootId));
    }

    @Override
    public List<JobLog> logs(UUID jobId, long afterSeq, int limit) {
        lock.lock();
        try {
            return logs.getOrDefault(jobId, List.of()).stream().filter(l -> l.seq() > afterSeq).limit(limit).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<String, Map<JobStatus, Long>> counts() {
        lock.lock();
        try {
            Map<String, Map<JobStatus, Long>> out = new TreeMap<>();
            counts.forEach((q, m) -> {
                Map<JobStatus, Long> copy = new EnumMap<>(JobStatus.class);
                m.forEach((s, n) -> {
                    if (n != 0) copy.put(s, n);
                });
                if (!copy.isEmpty()) out.put(q, copy);
            });
            return out;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CancelResult cancel(UUID id, Instant now) {
        lock.lock();
        try {
            MemoryRow root = row(id);
            if (root.status == JobStatus.COMPLETED || root.status == JobStatus.FAILED) {
                throw new ConflictException("job " + id + " is already " + root.status.wireName() + "; nothing to cancel");
            }
            List<UUID> cancelled = new ArrayList<>();
            List<UUID> requested = new ArrayList<>();
            for (MemoryRow r : subtree(root)) {
                if (r.status == JobStatus.RUNNING) {
                    if (!r.cancelRequested) {
                        r.cancelRequested = true;
                        r.updatedAt = now;
                        requested.add(r.id);
                    }
                } else if (!r.status.isTerminal()) {
                    move(r, JobStatus.CANCELLED, now);
                    r.finishedAt = now;
                    cancelled.add(r.id);
                }
            }
            return new CancelResult(root.toJob(), cancelled, requested);
        } finally {
            lock.unlock();
        }
    }

    private List<MemoryRow> subtree(MemoryRow root) {
        List<MemoryRow> out = new ArrayList<>();
        ArrayDeque<MemoryRow> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            MemoryRow r = todo.poll();
            out.add(r);
            for (UUID c : childrenOf.getOrDefault(r.id, Set.of())) todo.add(rows.get(c));
        }
        return out;
    }

    @Override
    public Job restart(UUID id, Instant now) {
        lock.lock();
        try {
            MemoryRow r = row(id);
            if (r.status != JobStatus.FAILED && r.status != JobStatus.CANCELLED) {
                throw new ConflictException("job " + id + " is " + r.status.wireName() + "; only failed or cancelled jobs can be restarted");
            }
            if (r.uniqueKey != null && liveUniqueKeys.containsKey(r.uniqueKey)) {
                throw new ConflictException("job " + id + ": unique key '" + r.uniqueKey + "' is held by live job " + liveUniqueKeys.get(r.uniqueKey));
            }
            r.runAt = now;
            move(r, JobStatus.PENDING, now);
            r.maxAttempts = Math.max(r.maxAttempts, r.attempt + 1);
            r.cancelRequested = false;
            r.finishedAt = null;
            r.leaseOwner = null;
            return r.toJob();
        } catch (IllegalTransitionException e) {
            throw new ConflictException(e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void delete(UUID id) {
        lock.lock();
        try {
            List<MemoryRow> tree = subtree(row(id));
            for (MemoryRow r : tree) {
                if (!r.status.isTerminal()) {
                    throw new ConflictException("job " + r.id + " is " + r.status.wireName()
                            + (r.id.equals(id) ? "" : " (a descendant of " + id + ")") + "; cancel it before deleting");
                }
            }
            for (MemoryRow r : tree) remove(r);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
    }
}
