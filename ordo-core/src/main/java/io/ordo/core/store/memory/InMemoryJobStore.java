package io.ordo.core.store.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.ConflictException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.LeaseLostException;
import io.ordo.core.QueueFullException;
import io.ordo.core.definition.StoredDefinition;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.FailureGroup;
import io.ordo.core.model.FailureGroups;
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
public final class InMemoryJobStore extends MemoryDependencyTable implements JobStore {

    @Override
    public String kind() {
        return "memory";
    }

    // ---- status changes: every one goes through here ----------------------------------------


    // ---- submit -------------------------------------------------------------------------------

    @Override
    public List<SubmitResult> insert(List<NewJob> jobs, InsertOptions options) {
        return locked(() -> {
            return insertLocked(jobs, options);
        });
    }

    @Override
    public List<SubmitResult> spawn(Lease parent, List<NewJob> children, InsertOptions options, boolean truncate) {
        return locked(() -> {
            if (leased(parent) == null) throw new LeaseLostException("job " + parent.jobId() + ": lease lost, cannot spawn");
            Object[] resolved = new Object[children.size()];
            Map<UUID, Integer> creatingInScope = new HashMap<>();
            java.util.Set<String> batchKeys = new java.util.HashSet<>();
            for (int i = 0; i < children.size(); i++) {
                NewJob n = children.get(i);
                MemoryRow existing = existingFor(n);
                if (existing != null) {
                    resolved[i] = existing;
                    continue;
                }
                // a later duplicate in this batch resolves to the first: it costs no room
                boolean dup = (n.dedupKey() != null && !batchKeys.add("d|" + dedupOf(n)))
                        | (n.uniqueKey() != null && !batchKeys.add("u|" + n.uniqueKey()));
                if (dup) continue;
                MemoryRow scope = n.scopeId() == null ? null : rows.get(n.scopeId());
                if (scope == null || scope.childPolicy == null) continue;
                String over = io.ordo.core.store.ScopeLimits.violation(scope.toJob(), n, scope.spawned + creatingInScope.getOrDefault(scope.id, 0));
                if (over != null) {
                    if (!truncate) throw new io.ordo.core.SpawnLimitException(over);
                    resolved[i] = Boolean.FALSE;
                } else {
                    creatingInScope.merge(scope.id, 1, Integer::sum);
                }
            }
            List<SubmitResult> out = insertLocked(children, options, resolved);
            for (SubmitResult r : out) {
                if (r.created() && r.job().scopeId() != null && !r.job().scopeId().equals(r.job().id())) {
                    MemoryRow scope = rows.get(r.job().scopeId());
                    if (scope != null) scope.spawned++;
                }
            }
            return out;
        });
    }

    // ---- worker hot path -----------------------------------------------------------------------

    @Override
    public List<Job> claim(ClaimRequest req) {
        return locked(() -> {
            TreeSet<MemoryRow> pending = pendingByQueue.get(req.queue());
            if (pending == null || pending.isEmpty()) return List.of();
            List<MemoryRow> picked = new ArrayList<>();
            for (MemoryRow r : pending) {
                if (req.types().contains(r.type) && req.meets(r.requires)) picked.add(r); // capabilities: requires
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
        });
    }

    @Override
    public int cancelQueued(String queue, String reason, Instant now, int limit) {
        return locked(() -> {
            List<MemoryRow> waiting = rows.values().stream()
                    .filter(r -> r.queue.equals(queue) && (r.status == JobStatus.PENDING || r.status == JobStatus.SCHEDULED))
                    .limit(limit).toList();
            for (MemoryRow r : waiting) {
                r.error = reason; // before the move: its event carries the error
                r.finishedAt = now;
                move(r, JobStatus.CANCELLED, now);
            }
            return waiting.size();
        });
    }

    @Override
    public List<Job> claimIds(ClaimRequest req, java.util.Collection<UUID> ids) {
        return locked(() -> {
            List<Job> out = new ArrayList<>();
            for (UUID id : new java.util.LinkedHashSet<>(ids)) {
                if (out.size() == req.limit()) break;
                MemoryRow r = rows.get(id);
                if (r == null || r.status != JobStatus.PENDING || !r.queue.equals(req.queue()) || !req.types().contains(r.type)
                        || !req.meets(r.requires)) continue;
                move(r, JobStatus.RUNNING, req.now());
                r.attempt++;
                r.leaseOwner = req.owner();
                r.leaseUntil = req.now().plus(req.lease());
                r.startedAt = req.now();
                out.add(r.toJob());
            }
            return out;
        });
    }

    @Override
    public io.ordo.core.store.LimitedClaim claimLimited(ClaimRequest req) {
        return locked(() -> MemoryLimitedClaims.claim(this, req, null));
    }

    @Override
    public io.ordo.core.store.LimitedClaim claimIdsLimited(ClaimRequest req, java.util.Collection<UUID> ids) {
        return locked(() -> MemoryLimitedClaims.claim(this, req, ids));
    }

    @Override
    public Map<UUID, JobStatus> complete(List<Completion> completions) {
        return locked(() -> {
            Map<UUID, JobStatus> done = new HashMap<>();
            for (Completion c : completions) {
                MemoryRow r = leased(c.lease());
                if (r == null) continue;
                boolean waits = !counts.children(r.id).isEmpty();
                move(r, waits ? JobStatus.WAITING : JobStatus.COMPLETED, c.now());
                if (c.result() != null) {
                    r.result = c.result();
                    r.resultExpiresAt = r.resultTtl == null ? null : c.now().plus(r.resultTtl);
                } else if (r.result != null && r.resultExpiresAt == null && r.resultTtl != null) {
                    r.resultExpiresAt = c.now().plus(r.resultTtl);
                }
                if (!waits) r.finishedAt = c.now();
                r.leaseUntil = null;
                done.put(r.id, r.status);
            }
            return done;
        });
    }

    @Override
    public boolean fail(Failure f) {
        return locked(() -> {
            MemoryRow r = leased(f.lease());
            if (r == null) return false;
            endAttempt(r, f.next(), f.runAt(), f.error(), f.now());
            return true;
        });
    }

    @Override
    public boolean finishCancelled(Lease lease, Instant now) {
        return locked(() -> {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            endAttempt(r, JobStatus.CANCELLED, null,
                    new AttemptError(r.attempt, r.leaseOwner, now, AttemptError.CANCELLED, "cancelled while running"), now);
            return true;
        });
    }

    @Override
    public boolean handBack(Lease lease, String reason, Instant now) {
        return locked(() -> {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            r.maxAttempts++;
            endAttempt(r, JobStatus.PENDING, now, new AttemptError(r.attempt, r.leaseOwner, now, AttemptError.SHUTDOWN, reason), now);
            return true;
        });
    }

    @Override
    public HeartbeatResult heartbeat(Collection<Lease> leases, Instant leaseUntil, Instant now) {
        return locked(() -> {
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
        });
    }

    @Override
    public boolean progress(Lease lease, long current, long total, String text, Instant now) {
        return locked(() -> {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            r.progressCurrent = current;
            r.progressTotal = total;
            r.progressText = text;
            r.updatedAt = now;
            return true;
        });
    }

    @Override
    public boolean saveResult(Lease lease, JsonNode result, Instant expiresAt, Instant now) {
        return locked(() -> {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            r.result = result;
            r.resultExpiresAt = expiresAt;
            r.updatedAt = now;
            return true;
        });
    }

    @Override
    public boolean appendLog(Lease lease, LogLevel level, String message, Instant now) {
        return locked(() -> {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            JobLog line = new JobLog(++logSeq, r.id, r.attempt, now, level, message);
            logs.computeIfAbsent(r.id, k -> new ArrayList<>()).add(line);
            noted.logged(r, line);
            return true;
        });
    }

    // ---- maintenance ---------------------------------------------------------------------------

    @Override
    public int promoteDue(Instant now, int limit) {
        return locked(() -> {
            List<MemoryRow> due = rows.values().stream()
                    .filter(r -> r.status == JobStatus.SCHEDULED && !r.runAt.isAfter(now))
                    .sorted(Comparator.comparing(r -> r.runAt)).limit(limit).toList();
            for (MemoryRow r : due) move(r, JobStatus.PENDING, now);
            return due.size();
        });
    }

    @Override
    public Optional<Instant> nextScheduledAt() {
        return locked(() -> {
            return rows.values().stream().filter(r -> r.status == JobStatus.SCHEDULED).map(r -> r.runAt).min(Comparator.naturalOrder());
        });
    }

    @Override
    public List<Job> expiredLeases(Instant now, int limit) {
        return locked(() -> {
            return rows.values().stream().filter(r -> r.status == JobStatus.RUNNING && r.leaseUntil.isBefore(now))
                    .limit(limit).map(MemoryRow::toJob).toList();
        });
    }

    @Override
    public boolean rescue(Lease lease, JobStatus next, Instant runAt, AttemptError error, Instant now) {
        return locked(() -> {
            MemoryRow r = leased(lease);
            if (r == null || !r.leaseUntil.isBefore(now)) return false;
            endAttempt(r, r.cancelRequested ? JobStatus.CANCELLED : next, runAt, error, now);
            return true;
        });
    }

    @Override
    public int prune(Instant before, int limit) {
        return locked(() -> {
            List<MemoryRow> old = rows.values().stream()
                    .filter(r -> r.status.isTerminal() && r.finishedAt != null && r.finishedAt.isBefore(before))
                    .limit(limit).toList();
            for (MemoryRow r : old) remove(r);
            return old.size();
        });
    }

    @Override
    public int expireResults(Instant now, int limit) {
        return locked(() -> {
            int n = 0;
            for (MemoryRow r : rows.values()) {
                if (n == limit) break;
                if (r.result != null && r.resultExpiresAt != null && !r.resultExpiresAt.isAfter(now)) {
                    r.result = null;
                    n++;
                }
            }
            return n;
        });
    }

    // ---- reads and admin -----------------------------------------------------------------------

    @Override
    public Optional<Job> get(UUID id) {
        return locked(() -> {
            MemoryRow r = rows.get(id);
            return Optional.ofNullable(r == null ? null : r.toJob());
        });
    }

    @Override
    public Page<Job> list(JobFilter f, String cursor, int limit) {
        UUID after = Cursors.decode(cursor);
        return locked(() -> {
            NavigableMap<UUID, MemoryRow> newestFirst = rows.descendingMap();
            if (after != null) newestFirst = newestFirst.tailMap(after, false);
            List<Job> items = new ArrayList<>();
            for (MemoryRow r : newestFirst.values()) {
                if (!matches(f, r)) continue;
                if (items.size() == limit) return new Page<>(items, Cursors.encode(items.get(limit - 1).id()));
                items.add(r.toJob());
            }
            return new Page<>(items, null);
        });
    }

    @Override
    public Page<Job> definitionRuns(String definitionId, String cursor, int limit) {
        JobFilter runs = JobFilter.ALL.withType(RUN_TYPE);
        UUID after = Cursors.decode(cursor);
        return locked(() -> {
            NavigableMap<UUID, MemoryRow> newestFirst = rows.descendingMap();
            if (after != null) newestFirst = newestFirst.tailMap(after, false);
            List<Job> items = new ArrayList<>();
            for (MemoryRow r : newestFirst.values()) {
                if (r.parentId != null || !definitionId.equals(r.definitionId) || !matches(runs, r)) continue;
                if (items.size() == limit) return new Page<>(items, Cursors.encode(items.get(limit - 1).id()));
                items.add(r.toJob());
            }
            return new Page<>(items, null);
        });
    }

    @Override
    public List<FailureGroup> failureGroups(int scan, int limit) {
        return locked(() -> {
            FailureGroups groups = new FailureGroups();
            int seen = 0;
            for (MemoryRow r : rows.descendingMap().values()) {
                if (seen == scan) break;
                if (r.status != JobStatus.FAILED) continue;
                groups.add(r.id, r.type, r.error, r.finishedAt);
                seen++;
            }
            return groups.groups(limit);
        });
    }

    @Override
    public List<JobLog> logsBefore(UUID jobId, long beforeSeq, int limit) {
        return locked(() -> {
            List<JobLog> before = logs.getOrDefault(jobId, List.of()).stream().filter(l -> l.seq() < beforeSeq).toList();
            return List.copyOf(before.subList(Math.max(0, before.size() - limit), before.size()));
        });
    }

    @Override
    public List<JobLog> logs(UUID jobId, long afterSeq, int limit) {
        return locked(() -> {
            return logs.getOrDefault(jobId, List.of()).stream().filter(l -> l.seq() > afterSeq).limit(limit).toList();
        });
    }

    @Override
    public Map<String, Map<JobStatus, Long>> counts() {
        return locked(() -> {
            return counts.queues();
        });
    }

    // ---- parents and children --------------------------------------------------------------------

    @Override
    public Map<JobStatus, Long> childCounts(UUID parentId) {
        return locked(() -> {
            return counts.children(parentId);
        });
    }

    @Override
    public Map<JobStatus, Long> scopeCounts(UUID scopeId) {
        return locked(() -> {
            return counts.scope(scopeId);
        });
    }

    @Override
    public Map<JobStatus, Long> treeCounts(UUID rootId) {
        return locked(() -> {
            Map<JobStatus, Long> out = new EnumMap<>(JobStatus.class);
            for (MemoryRow r : rows.values()) {
                if (rootId.equals(r.rootId) && !r.id.equals(rootId)) out.merge(r.status, 1L, Long::sum);
            }
            return out;
        });
    }

    @Override
    public boolean finishWaiting(UUID id, JobStatus to, String error, JsonNode metaPatch, Instant now) {
        return locked(() -> {
            if (!to.isTerminal()) throw new IllegalTransitionException(id.toString(), JobStatus.WAITING, to);
            MemoryRow r = rows.get(id);
            if (r == null || r.status != JobStatus.WAITING) return false;
            move(r, to, now);
            r.finishedAt = now;
            if (error != null) r.error = error;
            merge(r, metaPatch);
            return true;
        });
    }

    @Override
    public boolean mergeMeta(Lease lease, JsonNode patch, Instant now) {
        return locked(() -> {
            MemoryRow r = leased(lease);
            if (r == null) return false;
            merge(r, patch);
            r.updatedAt = now;
            return true;
        });
    }

    @Override
    public boolean setProgress(UUID id, long current, long total, String text, Instant now) {
        return locked(() -> {
            MemoryRow r = rows.get(id);
            if (r == null || r.status.isTerminal()) return false;
            r.progressCurrent = current;
            r.progressTotal = total;
            r.progressText = text;
            r.updatedAt = now;
            return true;
        });
    }

    @Override
    public Optional<Job> findCached(String cacheKey, Instant now) {
        return locked(() -> {
            MemoryRow r = cached(cacheKey, now);
            return Optional.ofNullable(r == null ? null : r.toJob());
        });
    }

    @Override
    public CancelResult cancel(UUID id, Instant now) {
        return locked(() -> {
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
        });
    }

    @Override
    public Job restart(UUID id, Instant now) {
        return locked(() -> {
            MemoryRow r = row(id);
            if (r.status != JobStatus.FAILED && r.status != JobStatus.CANCELLED) {
                throw new ConflictException("job " + id + " is " + r.status.wireName() + "; only failed or cancelled jobs can be restarted");
            }
            if (r.uniqueKey != null && liveUniqueKeys.containsKey(r.uniqueKey)) {
                throw new ConflictException("job " + id + ": unique key '" + r.uniqueKey + "' is held by live job " + liveUniqueKeys.get(r.uniqueKey));
            }
            r.runAt = now;
            try {
                move(r, JobStatus.PENDING, now);
            } catch (IllegalTransitionException e) {
                throw new ConflictException(e.getMessage());
            }
            r.maxAttempts = Math.max(r.maxAttempts, r.attempt + 1);
            r.cancelRequested = false;
            r.finishedAt = null;
            r.leaseOwner = null;
            return r.toJob();
        });
    }

    @Override
    public void delete(UUID id) {
        locked(() -> {
            List<MemoryRow> tree = subtree(row(id));
            for (MemoryRow r : tree) {
                if (!r.status.isTerminal()) {
                    throw new ConflictException("job " + r.id + " is " + r.status.wireName()
                            + (r.id.equals(id) ? "" : " (a descendant of " + id + ")") + "; cancel it before deleting");
                }
            }
            for (MemoryRow r : tree) remove(r);
                return null;
        });
    }

    @Override
    public void close() {
    }
}
