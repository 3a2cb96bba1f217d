package io.ordo.core.store.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.ConflictException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.LeaseLostException;
import io.ordo.core.QueueFullException;
import io.ordo.core.definition.StoredDefinition;
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

/** The in-memory store's rows and indexes, and the moves every operation is built from; used under the store's lock. */
abstract class MemoryTable implements io.ordo.core.store.JobStore {
    static final Comparator<MemoryRow> CLAIM_ORDER = Comparator.<MemoryRow>comparingInt(r -> r.priority)
            .thenComparing(r -> r.runAt).thenComparing((MemoryRow r) -> r.id, Uuids.ORDER);

    final NavigableMap<UUID, MemoryRow> rows = new TreeMap<>(Uuids.ORDER);
    final Map<String, TreeSet<MemoryRow>> pendingByQueue = new HashMap<>();
    final Map<String, UUID> liveUniqueKeys = new HashMap<>();
    final Map<String, UUID> dedupKeys = new HashMap<>();
    final Map<UUID, Set<UUID>> childrenOf = new HashMap<>();
    final Map<UUID, List<JobLog>> logs = new HashMap<>();
    final MemoryResults results = new MemoryResults();
    final MemoryCounters counts = new MemoryCounters();
    long logSeq;
    final java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    final MemoryDefinitions definitions = new MemoryDefinitions();
    final MemoryOps ops = new MemoryOps();

    final MemoryEvents noted = new MemoryEvents();

    /**
     * Runs {@code work} under the store's one lock. The events it noted are appended when it returns
     * (as a trigger's are committed with its statement) and forgotten when it throws.
     */
    <T> T locked(java.util.function.Supplier<T> work) {
        boolean appended = false;
        lock.lock();
        try {
            T out = work.get();
            if (lock.getHoldCount() == 1) {
                List<io.ordo.core.event.OrdoEvent> events = noted.take();
                ops.append(events);
                appended = !events.isEmpty();
            }
            return out;
        } catch (RuntimeException | Error e) {
            if (lock.getHoldCount() == 1) noted.forget();
            throw e;
        } finally {
            lock.unlock();
            if (appended) eventListeners.forEach(Runnable::run); // outside the lock: readers take it
        }
    }

    private final List<Runnable> eventListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void onEventsAppended(Runnable listener) {
        eventListeners.add(listener);
    }

    // ---- definitions and schedule ticks (the JobStore methods, shared with InMemoryJobStore) -------------------------------------------------------------------------------

    @Override
    public StoredDefinition saveDefinition(StoredDefinition d, Instant now) {
        return locked(() -> {
            return definitions.save(d, now);
        });
    }

    @Override
    public Optional<StoredDefinition> getDefinition(String id) {
        return locked(() -> {
            return definitions.get(id);
        });
    }

    @Override
    public List<StoredDefinition> listDefinitions() {
        return locked(() -> {
            return definitions.list();
        });
    }

    @Override
    public boolean deleteDefinition(String id) {
        return locked(() -> {
            return definitions.delete(id);
        });
    }

    @Override
    public List<SubmitResult> insertForTick(String definitionId, Instant tickAt, List<NewJob> jobs, InsertOptions options) {
        return locked(() -> {
            if (!definitions.recordTick(definitionId, tickAt)) return List.<SubmitResult>of();
            try {
                return insertLocked(jobs, options);
            } catch (RuntimeException e) {
                definitions.forgetTick(definitionId, tickAt); // all or nothing, as in a transaction
                throw e;
            }
        });
    }

    @Override
    public Optional<Instant> lastTick(String definitionId) {
        return locked(() -> {
            return definitions.lastTick(definitionId);
        });
    }


    void move(MemoryRow r, JobStatus to, Instant now) {
        JobStatus from = r.status;
        Transitions.check(r.id.toString(), r.status, to);
        leaveStatus(r);
        r.status = to;
        r.updatedAt = now;
        enterStatus(r);
        if (to != from) noted.statusChanged(r);
    }

    void leaveStatus(MemoryRow r) {
        if (r.status == JobStatus.PENDING) pendingByQueue.get(r.queue).remove(r);
        counts.leave(r);
    }

    void enterStatus(MemoryRow r) {
        if (r.status == JobStatus.PENDING) pendingByQueue.computeIfAbsent(r.queue, q -> new TreeSet<>(CLAIM_ORDER)).add(r);
        counts.enter(r);
        if (r.uniqueKey != null) {
            if (r.status.isTerminal()) liveUniqueKeys.remove(r.uniqueKey, r.id);
            else liveUniqueKeys.put(r.uniqueKey, r.id);
        }
    }

    MemoryRow row(UUID id) {
        MemoryRow r = rows.get(id);
        if (r == null) throw new JobNotFoundException("job " + id + " not found");
        return r;
    }

    MemoryRow leased(Lease lease) {
        MemoryRow r = rows.get(lease.jobId());
        return r != null && r.holds(lease) ? r : null;
    }

    List<SubmitResult> insertLocked(List<NewJob> jobs, InsertOptions options) {
        return insertLocked(jobs, options, new Object[jobs.size()]);
    }

    /** {@code resolved[i]} may arrive filled (a MemoryRow, or Boolean.FALSE for a child left out). */
    List<SubmitResult> insertLocked(List<NewJob> jobs, InsertOptions options, Object[] resolved) {
        // pass 1: resolve duplicates without writing, so a full queue rejects the whole batch
        Map<String, Integer> batchUnique = new HashMap<>();
        Map<String, Integer> batchDedup = new HashMap<>();
        Map<String, Integer> creating = new LinkedHashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            if (resolved[i] != null) continue;
            NewJob n = jobs.get(i);
            MemoryRow existing = existingFor(n);
            if (existing != null) {
                resolved[i] = existing;
            } else if (n.uniqueKey() != null && batchUnique.containsKey(n.uniqueKey())) {
                resolved[i] = batchUnique.get(n.uniqueKey());
            } else if (n.dedupKey() != null && batchDedup.containsKey(dedupOf(n))) {
                resolved[i] = batchDedup.get(dedupOf(n));
            } else {
                if (n.uniqueKey() != null) batchUnique.put(n.uniqueKey(), i);
                if (n.dedupKey() != null) batchDedup.put(dedupOf(n), i);
                if (n.status() == JobStatus.PENDING || n.status() == JobStatus.SCHEDULED) creating.merge(n.queue(), 1, Integer::sum);
            }
        }
        creating.forEach((queue, adding) -> {
            Integer cap = options.capacityOf(queue);
            if (cap == null) return;
            long backlog = count(queue, JobStatus.PENDING) + count(queue, JobStatus.SCHEDULED);
            if (backlog + adding > cap) throw new QueueFullException(queue, backlog, cap, adding);
        });
        if (!options.typeCapacity().isEmpty()) {
            Map<String, Integer> byType = new LinkedHashMap<>();
            for (int i = 0; i < jobs.size(); i++) {
                NewJob n = jobs.get(i);
                if (resolved[i] == null && (n.status() == JobStatus.PENDING || n.status() == JobStatus.SCHEDULED)) {
                    byType.merge(n.type(), 1, Integer::sum);
                }
            }
            byType.forEach((type, adding) -> {
                Integer cap = options.typeCapacityOf(type);
                if (cap == null) return;
                long backlog = counts.type(type, JobStatus.PENDING) + counts.type(type, JobStatus.SCHEDULED);
                if (backlog + adding > cap) throw QueueFullException.ofType(type, backlog, cap, adding);
            });
        }
        // pass 2: write
        List<SubmitResult> out = new ArrayList<>(jobs.size());
        MemoryRow[] made = new MemoryRow[jobs.size()];
        for (int i = 0; i < jobs.size(); i++) {
            if (resolved[i] instanceof MemoryRow r) {
                out.add(new SubmitResult(r.toJob(), false));
            } else if (resolved[i] instanceof Integer first) {
                out.add(new SubmitResult(made[first].toJob(), false));
            } else if (resolved[i] == null) {
                MemoryRow r = new MemoryRow(jobs.get(i));
                rows.put(r.id, r);
                if (r.parentId != null) childrenOf.computeIfAbsent(r.parentId, p -> new HashSet<>()).add(r.id);
                if (r.dedupKey != null) dedupKeys.put(r.rootId + "|" + r.dedupKey, r.id);
                enterStatus(r);
                if (r.parentId != null) noted.spawned(r);
                made[i] = r;
                out.add(new SubmitResult(r.toJob(), true));
            }
        }
        return out;
    }

    static String dedupOf(NewJob n) {
        return (n.rootId() == null ? n.id() : n.rootId()) + "|" + n.dedupKey();
    }

    MemoryRow existingFor(NewJob n) {
        if (rows.containsKey(n.id())) return rows.get(n.id());
        if (n.uniqueKey() != null) {
            UUID id = liveUniqueKeys.get(n.uniqueKey());
            if (id != null) return rows.get(id);
        }
        if (n.dedupKey() != null) {
            UUID id = dedupKeys.get(dedupOf(n));
            if (id != null) return rows.get(id);
        }
        // cache hits answer top-level submits only; a definition's steps do their own lookup
        if (n.cacheKey() != null && n.parentId() == null) return cached(n.cacheKey(), n.createdAt());
        return null;
    }

    MemoryRow cached(String cacheKey, Instant now) {
        MemoryRow best = null;
        for (MemoryRow r : rows.values()) {
            if (cacheKey.equals(r.cacheKey) && r.status == JobStatus.COMPLETED
                    && (r.resultExpiresAt == null || r.resultExpiresAt.isAfter(now))
                    && (best == null || r.finishedAt.isAfter(best.finishedAt))) best = r;
        }
        return best;
    }

    long count(String queue, JobStatus s) {
        return counts.queue(queue, s);
    }

    void endAttempt(MemoryRow r, JobStatus next, Instant runAt, AttemptError error, Instant now) {
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

    void remove(MemoryRow r) {
        leaveStatus(r);
        if (r.uniqueKey != null) liveUniqueKeys.remove(r.uniqueKey, r.id);
        if (r.dedupKey != null) dedupKeys.remove(r.rootId + "|" + r.dedupKey, r.id);
        rows.remove(r.id);
        logs.remove(r.id);
        results.removeJob(r.id);
        childrenOf.remove(r.id);
        if (r.parentId != null) {
            Set<UUID> siblings = childrenOf.get(r.parentId);
            if (siblings != null) siblings.remove(r.id);
        }
    }

    static boolean matches(JobFilter f, MemoryRow r) {
        return (f.statuses() == null || f.statuses().contains(r.status))
                && (f.queue() == null || f.queue().equals(r.queue))
                && (f.type() == null || f.type().equals(r.type))
                && (f.parentId() == null || f.parentId().equals(r.parentId))
                && (f.rootId() == null || f.rootId().equals(r.rootId))
                && (f.scopeId() == null || f.scopeId().equals(r.scopeId))
                && (f.error() == null || f.error().equals(r.error));
    }

    static void merge(MemoryRow r, JsonNode patch) {
        if (patch != null && patch.isObject()) r.meta.setAll((com.fasterxml.jackson.databind.node.ObjectNode) patch.deepCopy());
    }

    List<MemoryRow> subtree(MemoryRow root) {
        List<MemoryRow> out = new ArrayList<>();
        ArrayDeque<MemoryRow> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            MemoryRow r = todo.poll();
            out.add(r);
            for (UUID c : childrenOf.getOrDefault(r.id, Set.of())) todo.add(rows.get(c));
        }
        return out;
    }

    // ---- event log, queues, nodes, webhooks, settings (JobStore methods) ----------------------------

    @Override
    public void appendEvents(List<io.ordo.core.event.OrdoEvent> events) {
        locked(() -> {
            ops.append(events);
            return null;
        });
    }

    @Override
    public List<io.ordo.core.event.StoredEvent> eventsAfter(long afterId, int limit) {
        return locked(() -> ops.after(afterId, limit));
    }

    @Override
    public long lastEventId() {
        return locked(ops::last);
    }

    @Override
    public long firstEventId() {
        return locked(ops::first);
    }

    @Override
    public int pruneEvents(Instant before, int limit) {
        return locked(() -> ops.prune(before, limit));
    }

    @Override
    public void setQueuePaused(String queue, boolean paused, Instant now) {
        locked(() -> {
            ops.flag(queue, paused);
            return null;
        });
    }

    @Override
    public Map<String, Boolean> queueFlags() {
        return locked(ops::flags);
    }

    @Override
    public void saveQueueMinutes(List<io.ordo.core.ops.QueueMinute> minutes) {
        locked(() -> {
            ops.saveMinutes(minutes);
            return null;
        });
    }

    @Override
    public List<io.ordo.core.ops.QueueMinute> queueMinutes(Instant since) {
        return locked(() -> ops.minutesSince(since));
    }

    @Override
    public int pruneQueueMinutes(Instant before) {
        return locked(() -> ops.pruneMinutes(before));
    }

    @Override
    public void addNodeCommand(io.ordo.core.ops.NodeCommand command) {
        locked(() -> {
            ops.addCommand(command);
            return null;
        });
    }

    @Override
    public java.util.Optional<io.ordo.core.ops.NodeCommand> nodeCommand(java.util.UUID id) {
        return locked(() -> ops.command(id));
    }

    @Override
    public List<io.ordo.core.ops.NodeCommand> takeNodeCommands(String node, Instant now) {
        return locked(() -> ops.takeCommands(node, now));
    }

    @Override
    public void finishNodeCommand(java.util.UUID id, java.util.Map<String, Object> result, String error, Instant now) {
        locked(() -> {
            ops.finishCommand(id, result, error, now);
            return null;
        });
    }

    @Override
    public int pruneNodeCommands(Instant before) {
        return locked(() -> ops.pruneCommands(before));
    }

    @Override
    public void saveNode(io.ordo.core.ops.NodeInfo node) {
        locked(() -> {
            ops.saveNode(node);
            return null;
        });
    }

    @Override
    public List<io.ordo.core.ops.NodeInfo> nodes() {
        return locked(ops::nodes);
    }

    @Override
    public int pruneNodes(Instant before) {
        return locked(() -> ops.pruneNodes(before));
    }

    @Override
    public List<Job> webhooksDue(int limit) {
        return locked(() -> rows.values().stream()
                .filter(r -> r.webhookUrl != null && !r.webhookQueued && r.status.isTerminal())
                .sorted(Comparator.comparing((MemoryRow r) -> r.finishedAt)).limit(limit).map(MemoryRow::toJob).toList());
    }

    @Override
    public boolean queueWebhook(UUID jobId, NewJob delivery) {
        return locked(() -> {
            MemoryRow r = rows.get(jobId);
            if (r == null || r.webhookUrl == null || r.webhookQueued || !r.status.isTerminal()) return false;
            insertLocked(List.of(delivery), InsertOptions.NONE);
            r.webhookQueued = true;
            return true;
        });
    }

    // ---- stored limits -------------------------------------------------------------------------

    /** By scope, then name: the order the SQL stores lock them in. */
    final Map<String, io.ordo.core.limits.Limit> limits = new TreeMap<>();

    static String limitKey(io.ordo.core.limits.LimitScope scope, String name) {
        return scope.wireName() + "\u0000" + name;
    }

    @Override
    public List<io.ordo.core.limits.Limit> limits() {
        return locked(() -> List.copyOf(limits.values()));
    }

    @Override
    public void saveLimit(io.ordo.core.limits.Limit l, Instant now) {
        locked(() -> {
            String key = limitKey(l.scope(), l.name());
            if (l.isEmpty()) {
                limits.remove(key);
                return null;
            }
            io.ordo.core.limits.Limit was = limits.get(key);
            // an unchanged rate keeps its window's count; a changed one starts afresh
            boolean sameRate = was != null && java.util.Objects.equals(was.rate(), l.rate());
            limits.put(key, new io.ordo.core.limits.Limit(l.scope(), l.name(), l.capacity(), l.maxRunning(), l.rate(),
                    sameRate ? was.windowStart() : null, sameRate ? was.windowUsed() : 0, now));
            return null;
        });
    }

    @Override
    public boolean deleteLimit(io.ordo.core.limits.LimitScope scope, String name) {
        return locked(() -> limits.remove(limitKey(scope, name)) != null);
    }

    @Override
    public String setting(String key, java.util.function.Supplier<String> initial) {
        return locked(() -> ops.setting(key, initial));
    }

    @Override
    public java.util.Optional<io.ordo.core.store.LeaderLease> lead(String node, Instant now, java.time.Duration lease) {
        return locked(() -> ops.lead(node, now, lease));
    }

    @Override
    public void resign(String node, Instant now) {
        locked(() -> {
            ops.resign(node, now);
            return null;
        });
    }

    @Override
    public java.util.Optional<io.ordo.core.store.LeaderLease> leader() {
        return locked(ops::leader);
    }
}
