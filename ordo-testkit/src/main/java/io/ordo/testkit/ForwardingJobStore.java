package io.ordo.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.definition.StoredDefinition;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.FailureGroup;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.LogLevel;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.Page;
import io.ordo.core.store.CancelResult;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.Failure;
import io.ordo.core.store.HeartbeatResult;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.StoreHealth;
import io.ordo.core.store.SubmitResult;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A real store seen through a seam where tests inject faults (a stalled node's heartbeats, a
 * database that fails writes). Every call goes to the real store unless a subclass overrides it.
 * {@link #close()} does not close the real store: several nodes share one in a test.
 */
public class ForwardingJobStore implements JobStore {
    protected final JobStore delegate;

    public ForwardingJobStore(JobStore delegate) {
        this.delegate = delegate;
    }

    @Override public String kind() { return delegate.kind(); }
    @Override public List<SubmitResult> insert(List<NewJob> jobs, InsertOptions o) { return delegate.insert(jobs, o); }
    @Override public List<SubmitResult> insert(List<NewJob> jobs, InsertOptions o, List<io.ordo.core.store.DependsOn> d) { return delegate.insert(jobs, o, d); }
    @Override public List<UUID> dependants(Collection<UUID> ids) { return delegate.dependants(ids); }
    @Override public Release release(UUID id, Instant now) { return delegate.release(id, now); }
    @Override public List<UUID> waitingOnDependencies(UUID after, int limit) { return delegate.waitingOnDependencies(after, limit); }
    @Override public List<io.ordo.core.model.Dependency> dependencies(UUID id) { return delegate.dependencies(id); }
    @Override public List<SubmitResult> spawn(Lease p, List<NewJob> c, InsertOptions o, boolean t) { return delegate.spawn(p, c, o, t); }
    @Override public List<Job> claim(ClaimRequest r) { return delegate.claim(r); }
    @Override public int cancelQueued(String q, String reason, Instant now, int limit) { return delegate.cancelQueued(q, reason, now, limit); }
    @Override public List<Job> claimIds(ClaimRequest r, java.util.Collection<UUID> ids) { return delegate.claimIds(r, ids); }
    @Override public io.ordo.core.store.LimitedClaim claimLimited(ClaimRequest r) { return delegate.claimLimited(r); }
    @Override public io.ordo.core.store.LimitedClaim claimIdsLimited(ClaimRequest r, java.util.Collection<UUID> ids) { return delegate.claimIdsLimited(r, ids); }
    @Override public Map<UUID, JobStatus> complete(List<Completion> c) { return delegate.complete(c); }
    @Override public boolean fail(Failure f) { return delegate.fail(f); }
    @Override public boolean finishCancelled(Lease l, Instant now) { return delegate.finishCancelled(l, now); }
    @Override public boolean handBack(Lease l, String reason, Instant now) { return delegate.handBack(l, reason, now); }
    @Override public HeartbeatResult heartbeat(Collection<Lease> l, Instant until, Instant now) { return delegate.heartbeat(l, until, now); }
    @Override public boolean progress(Lease l, long c, long t, String text, Instant now) { return delegate.progress(l, c, t, text, now); }
    @Override public boolean saveResult(Lease l, JsonNode r, Instant exp, Instant now) { return delegate.saveResult(l, r, exp, now); }
    @Override public boolean appendLog(Lease l, LogLevel lv, String m, Instant now) { return delegate.appendLog(l, lv, m, now); }
    @Override public int promoteDue(Instant now, int limit) { return delegate.promoteDue(now, limit); }
    @Override public Optional<Instant> nextScheduledAt() { return delegate.nextScheduledAt(); }
    @Override public List<Job> expiredLeases(Instant now, int limit) { return delegate.expiredLeases(now, limit); }
    @Override public boolean rescue(Lease l, JobStatus next, Instant runAt, AttemptError e, Instant now) { return delegate.rescue(l, next, runAt, e, now); }
    @Override public int prune(Instant before, int limit) { return delegate.prune(before, limit); }
    @Override public int expireResults(Instant now, int limit) { return delegate.expireResults(now, limit); }
    @Override public java.util.OptionalLong appendResult(Lease l, JsonNode d, String title, String ref, Instant exp, Instant now) {
        return delegate.appendResult(l, d, title, ref, exp, now);
    }
    @Override public Page<io.ordo.core.model.SavedResult> savedResults(io.ordo.core.model.ResultScope s, String cursor, int limit) {
        return delegate.savedResults(s, cursor, limit);
    }
    @Override public long countSavedResults(io.ordo.core.model.ResultScope s) { return delegate.countSavedResults(s); }
    @Override public int deleteExpiredResults(Instant now, int limit) { return delegate.deleteExpiredResults(now, limit); }
    @Override public boolean resumeWaiting(UUID id, int continuation, Instant now) { return delegate.resumeWaiting(id, continuation, now); }
    @Override public Optional<Job> get(UUID id) { return delegate.get(id); }
    @Override public Page<Job> list(JobFilter f, String cursor, int limit) { return delegate.list(f, cursor, limit); }
    @Override public Page<Job> definitionRuns(String id, String cursor, int limit) { return delegate.definitionRuns(id, cursor, limit); }
    @Override public List<FailureGroup> failureGroups(int scan, int limit) { return delegate.failureGroups(scan, limit); }
    @Override public List<JobLog> logs(UUID id, long after, int limit) { return delegate.logs(id, after, limit); }
    @Override public List<JobLog> logsBefore(UUID id, long before, int limit) { return delegate.logsBefore(id, before, limit); }
    @Override public Map<String, Map<JobStatus, Long>> counts() { return delegate.counts(); }
    @Override public CancelResult cancel(UUID id, Instant now) { return delegate.cancel(id, now); }
    @Override public Job restart(UUID id, Instant now) { return delegate.restart(id, now); }
    @Override public void delete(UUID id) { delegate.delete(id); }
    @Override public boolean mergeMeta(Lease l, JsonNode p, Instant now) { return delegate.mergeMeta(l, p, now); }
    @Override public Map<JobStatus, Long> childCounts(UUID id) { return delegate.childCounts(id); }
    @Override public Map<JobStatus, Long> scopeCounts(UUID id) { return delegate.scopeCounts(id); }
    @Override public Map<JobStatus, Long> treeCounts(UUID id) { return delegate.treeCounts(id); }
    @Override public Page<Job> batches(String cursor, int limit) { return delegate.batches(cursor, limit); }
    @Override public boolean finishWaiting(UUID id, JobStatus to, String e, JsonNode m, Instant now) { return delegate.finishWaiting(id, to, e, m, now); }
    @Override public boolean setProgress(UUID id, long c, long t, String text, Instant now) { return delegate.setProgress(id, c, t, text, now); }
    @Override public Optional<Job> findCached(String key, Instant now) { return delegate.findCached(key, now); }
    @Override public StoredDefinition saveDefinition(StoredDefinition d, Instant now) { return delegate.saveDefinition(d, now); }
    @Override public Optional<StoredDefinition> getDefinition(String id) { return delegate.getDefinition(id); }
    @Override public List<StoredDefinition> listDefinitions() { return delegate.listDefinitions(); }
    @Override public boolean deleteDefinition(String id) { return delegate.deleteDefinition(id); }
    @Override public List<SubmitResult> insertForTick(String d, Instant t, List<NewJob> j, InsertOptions o) { return delegate.insertForTick(d, t, j, o); }
    @Override public Optional<Instant> lastTick(String d) { return delegate.lastTick(d); }
    @Override public io.ordo.core.schedule.Schedule saveSchedule(io.ordo.core.schedule.Schedule s, Instant now) { return delegate.saveSchedule(s, now); }
    @Override public Optional<io.ordo.core.schedule.Schedule> getSchedule(String id) { return delegate.getSchedule(id); }
    @Override public List<io.ordo.core.schedule.Schedule> listSchedules() { return delegate.listSchedules(); }
    @Override public boolean deleteSchedule(String id) { return delegate.deleteSchedule(id); }
    @Override public Optional<io.ordo.core.schedule.Schedule> setSchedulePaused(String id, boolean p, Instant next, Instant now) { return delegate.setSchedulePaused(id, p, next, now); }
    @Override public Optional<SubmitResult> insertForSchedule(String id, Instant t, NewJob j, InsertOptions o, Instant next, Instant now) { return delegate.insertForSchedule(id, t, j, o, next, now); }
    @Override public void setScheduleNextRun(String id, Instant next) { delegate.setScheduleNextRun(id, next); }
    @Override public void appendEvents(List<io.ordo.core.event.OrdoEvent> e) { delegate.appendEvents(e); }
    @Override public List<io.ordo.core.event.StoredEvent> eventsAfter(long after, int limit) { return delegate.eventsAfter(after, limit); }
    @Override public long lastEventId() { return delegate.lastEventId(); }
    @Override public java.util.Optional<io.ordo.core.store.LeaderLease> lead(String node, Instant now, java.time.Duration lease) { return delegate.lead(node, now, lease); }
    @Override public void resign(String node, Instant now) { delegate.resign(node, now); }
    @Override public java.util.Optional<io.ordo.core.store.LeaderLease> leader() { return delegate.leader(); }
    @Override public long firstEventId() { return delegate.firstEventId(); }
    @Override public int pruneEvents(Instant before, int limit) { return delegate.pruneEvents(before, limit); }
    @Override public void onEventsAppended(Runnable l) { delegate.onEventsAppended(l); }
    @Override public void setQueuePaused(String q, boolean p, Instant now) { delegate.setQueuePaused(q, p, now); }
    @Override public Map<String, Boolean> queueFlags() { return delegate.queueFlags(); }
    @Override public void saveQueueMinutes(List<io.ordo.core.ops.QueueMinute> m) { delegate.saveQueueMinutes(m); }
    @Override public List<io.ordo.core.ops.QueueMinute> queueMinutes(Instant since) { return delegate.queueMinutes(since); }
    @Override public int pruneQueueMinutes(Instant before) { return delegate.pruneQueueMinutes(before); }
    @Override public void saveNode(io.ordo.core.ops.NodeInfo n) { delegate.saveNode(n); }
    @Override public List<io.ordo.core.ops.NodeInfo> nodes() { return delegate.nodes(); }
    @Override public int pruneNodes(Instant before) { return delegate.pruneNodes(before); }
    @Override public void addNodeCommand(io.ordo.core.ops.NodeCommand c) { delegate.addNodeCommand(c); }
    @Override public java.util.Optional<io.ordo.core.ops.NodeCommand> nodeCommand(UUID id) { return delegate.nodeCommand(id); }
    @Override public List<io.ordo.core.ops.NodeCommand> takeNodeCommands(String node, Instant now) { return delegate.takeNodeCommands(node, now); }
    @Override public void finishNodeCommand(UUID id, Map<String, Object> r, String e, Instant now) { delegate.finishNodeCommand(id, r, e, now); }
    @Override public int pruneNodeCommands(Instant before) { return delegate.pruneNodeCommands(before); }
    @Override public List<Job> webhooksDue(int limit) { return delegate.webhooksDue(limit); }
    @Override public boolean queueWebhook(UUID id, NewJob d) { return delegate.queueWebhook(id, d); }
    @Override public List<io.ordo.core.limits.Limit> limits() { return delegate.limits(); }
    @Override public void saveLimit(io.ordo.core.limits.Limit l, Instant now) { delegate.saveLimit(l, now); }
    @Override public boolean deleteLimit(io.ordo.core.limits.LimitScope s, String name) { return delegate.deleteLimit(s, name); }
    @Override public String setting(String key, java.util.function.Supplier<String> initial) { return delegate.setting(key, initial); }
    @Override public void ping() { delegate.ping(); }
    @Override public void onJobsAvailable(Consumer<String> l) { delegate.onJobsAvailable(l); }
    @Override public void optimize() { delegate.optimize(); }
    @Override public Optional<StoreHealth> health() { return delegate.health(); }
    @Override public void close() { }
}
