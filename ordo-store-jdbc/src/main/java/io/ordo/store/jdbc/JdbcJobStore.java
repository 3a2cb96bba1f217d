package io.ordo.store.jdbc;

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
import io.ordo.core.model.ResultScope;
import io.ordo.core.model.SavedResult;
import io.ordo.core.store.CancelResult;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.Failure;
import io.ordo.core.store.HeartbeatResult;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.LimitedClaim;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.store.TransactionalJobStore;
import io.ordo.core.util.Uuids;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;

/**
 * The SQL both stores share for jobs (the operational tables are {@link JdbcOpsStore}'s). Subclasses own
 * the connections ({@link #write}, {@link #writeStatement}, {@link #read}) and the statements that differ: claim, the batch insert and, on PostgreSQL, batch
 * completion, heartbeats, capacity locks and notifications.
 */
abstract class JdbcJobStore extends JdbcOpsStore implements TransactionalJobStore {
    /** Claimed jobs are returned in claim order, whatever order the database returned them in. */
    static final Comparator<Job> CLAIM_ORDER = Comparator.comparingInt(Job::priority).thenComparing(Job::runAt)
            .thenComparing(Job::id, Uuids.ORDER);

    final JobQueries queries;
    final LeaseWrites leases;
    final JobAdmin admin;
    final Submitter submitter;
    final TreeWrites trees;
    final Definitions definitions;
    final ScheduleSql schedules;
    final LimitSql limits;
    final ResultSql results;
    final DependencySql deps;

    JdbcJobStore(SqlDialect d) {
        super(d);
        this.queries = new JobQueries(d);
        this.leases = new LeaseWrites(d);
        this.admin = new JobAdmin(d, queries);
        this.submitter = new Submitter(d, queries, this);
        this.trees = new TreeWrites(d, leases, submitter);
        this.definitions = new Definitions(d);
        this.schedules = new ScheduleSql(d);
        this.limits = new LimitSql(d);
        this.results = new ResultSql(d);
        this.deps = new DependencySql(d, queries);
    }

    // ---- what a dialect's store provides ----------------------------------------------------------

    /** Moves up to the request's limit of pending jobs to running in one statement. */
    abstract List<Job> claimOn(Connection c, ClaimRequest request) throws SQLException;

    /** Moves those of {@code ids} still pending in the request's queue and types to running in one statement. */
    abstract List<Job> claimIdsOn(Connection c, ClaimRequest request, List<UUID> ids) throws SQLException;

    /** Inserts the rows; returns the jobs actually inserted (a row refused as a duplicate is left out). */
    abstract List<Job> insertRows(Connection c, List<NewJob> rows) throws SQLException;

    /** Serializes capacity checks of these queues (and types, as keys {@code type/T}) until the transaction ends. */
    void lockQueues(Connection c, SortedSet<String> queues) throws SQLException {
    }

    /** Jobs became pending in these queues in this transaction: tell other processes once it commits. */
    void jobsReady(Connection c, Set<String> queues) throws SQLException {
    }

    // ---- submit -------------------------------------------------------------------------------

    @Override
    public List<SubmitResult> insert(List<NewJob> jobs, InsertOptions options) {
        if (jobs.isEmpty()) return List.of();
        return write(c -> submitter.insert(c, jobs, options));
    }

    @Override
    public List<SubmitResult> insert(Connection connection, List<NewJob> jobs, InsertOptions options) {
        try {
            // the capacity check and the batch are only atomic inside the caller's transaction
            if (connection.getAutoCommit()) {
                throw new IllegalArgumentException("insert(Connection, ...) needs a connection in a transaction (autoCommit off); "
                        + "the caller commits or rolls back");
            }
            return submitter.insert(connection, jobs, options);
        } catch (SQLException e) {
            throw failure("insert on the caller's connection", e);
        }
    }

    // ---- dependencies (DependencySql) ----------------------------------------------------------

    @Override
    public List<SubmitResult> insert(List<NewJob> jobs, InsertOptions options, List<io.ordo.core.store.DependsOn> dependsOn) {
        if (jobs.isEmpty()) return List.of();
        return write(c -> {
            List<SubmitResult> out = deps.insert(c, submitter, jobs, options, dependsOn);
            Set<String> ready = new java.util.TreeSet<>();
            for (SubmitResult r : out) if (r.created() && r.job().status() == JobStatus.PENDING) ready.add(r.job().queue());
            if (!ready.isEmpty()) jobsReady(c, ready);
            return out;
        });
    }

    @Override
    public List<UUID> dependants(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) return List.of();
        return read(c -> deps.dependants(c, jobIds));
    }

    @Override
    public Release release(UUID jobId, Instant now) {
        return write(c -> {
            Release out = deps.release(c, jobId, now);
            if (out.moved() == JobStatus.PENDING) jobsReady(c, Set.of(out.job().orElseThrow().queue()));
            return out;
        });
    }

    @Override
    public List<UUID> waitingOnDependencies(UUID after, int limit) {
        return read(c -> deps.waiting(c, after, limit));
    }

    @Override
    public List<io.ordo.core.model.Dependency> dependencies(UUID jobId) {
        return read(c -> deps.dependencies(c, jobId));
    }

    @Override
    public List<SubmitResult> spawn(Lease parent, List<NewJob> children, InsertOptions options, boolean truncate) {
        return write(c -> trees.spawn(c, parent, children, options, truncate));
    }

    // ---- worker hot path -----------------------------------------------------------------------

    @Override
    public List<Job> claim(ClaimRequest request) {
        List<Job> got = new ArrayList<>(writeStatement(c -> claimOn(c, request)));
        got.sort(CLAIM_ORDER);
        return got;
    }

    @Override
    public List<Job> claimIds(ClaimRequest r, Collection<UUID> ids) {
        if (ids.isEmpty()) return List.of();
        List<UUID> wanted = new ArrayList<>(new java.util.LinkedHashSet<>(ids));
        List<UUID> batch = wanted.size() > r.limit() ? wanted.subList(0, r.limit()) : wanted;
        // a duplicate message's job is locked or already running: the guard leaves it out after the wait
        List<Job> got = new ArrayList<>(writeStatement(c -> claimIdsOn(c, r, batch)));
        got.sort(CLAIM_ORDER);
        return got;
    }

    // ---- claims under stored limits (a path of its own: the plain claims above stay one statement) ----

    @Override
    public LimitedClaim claimLimited(ClaimRequest r) {
        return sorted(write(c -> limits.claim(c, r, null, this::claimIdsOn, this::plainClaim)));
    }

    @Override
    public LimitedClaim claimIdsLimited(ClaimRequest r, Collection<UUID> ids) {
        if (ids.isEmpty()) return LimitedClaim.unlimited(List.of());
        List<UUID> wanted = new ArrayList<>(new java.util.LinkedHashSet<>(ids));
        return sorted(write(c -> limits.claim(c, r, wanted, this::claimIdsOn, this::plainClaim)));
    }

    private List<Job> plainClaim(Connection c, ClaimRequest r, List<UUID> ids) throws SQLException {
        if (ids == null) return claimOn(c, r);
        return claimIdsOn(c, r, ids.size() > r.limit() ? ids.subList(0, r.limit()) : ids);
    }

    private static LimitedClaim sorted(LimitedClaim got) {
        List<Job> jobs = new ArrayList<>(got.jobs());
        jobs.sort(CLAIM_ORDER);
        return new LimitedClaim(jobs, got.deferred(), got.held(), got.retryAt());
    }

    @Override
    public Map<UUID, JobStatus> complete(List<Completion> completions) {
        if (completions.isEmpty()) return Map.of();
        SqlWork<Map<UUID, JobStatus>> work = c -> leases.complete(c, completions);
        return completions.size() == 1 ? writeStatement(work) : write(work);
    }

    @Override
    public boolean fail(Failure f) {
        return endAttempt(f.lease(), f.next(), f.runAt(), f.error(), f.now(), false, null);
    }

    @Override
    public boolean finishCancelled(Lease lease, Instant now) {
        AttemptError e = new AttemptError(lease.attempt(), lease.owner(), now, AttemptError.CANCELLED, "cancelled while running");
        return endAttempt(lease, JobStatus.CANCELLED, null, e, now, false, null);
    }

    @Override
    public boolean handBack(Lease lease, String reason, Instant now) {
        AttemptError e = new AttemptError(lease.attempt(), lease.owner(), now, AttemptError.SHUTDOWN, reason);
        return endAttempt(lease, JobStatus.PENDING, now, e, now, true, null);
    }

    @Override
    public boolean rescue(Lease lease, JobStatus next, Instant runAt, AttemptError error, Instant now) {
        return endAttempt(lease, next, runAt, error, now, false, now);
    }

    private boolean endAttempt(Lease lease, JobStatus next, Instant runAt, AttemptError error, Instant now,
                               boolean extraAttempt, Instant expiredBefore) {
        // one statement; the wake-up for a job that is pending again may follow its commit
        return writeStatement(c -> {
            LeaseWrites.Ended ended = leases.endAttempt(c, lease, next, runAt, error, now, extraAttempt, expiredBefore);
            if (ended != null && ended.status() == JobStatus.PENDING) jobsReady(c, Set.of(ended.queue()));
            return ended != null;
        });
    }

    @Override
    public HeartbeatResult heartbeat(Collection<Lease> leases, Instant leaseUntil, Instant now) {
        if (leases.isEmpty()) return new HeartbeatResult(Set.of(), Set.of());
        SqlWork<HeartbeatResult> work = c -> {
            Set<UUID> cancel = new HashSet<>();
            Set<UUID> lost = this.leases.heartbeat(c, leases, leaseUntil, now, cancel);
            return new HeartbeatResult(lost, cancel);
        };
        return leases.size() == 1 ? writeStatement(work) : write(work);
    }

    @Override
    public boolean progress(Lease lease, long current, long total, String text, Instant now) {
        return writeStatement(c -> leases.progress(c, lease, current, total, text, now));
    }

    @Override
    public boolean saveResult(Lease lease, JsonNode result, Instant expiresAt, Instant now) {
        return writeStatement(c -> leases.saveResult(c, lease, result, expiresAt, now));
    }

    @Override
    public boolean appendLog(Lease lease, LogLevel level, String message, Instant now) {
        return writeStatement(c -> leases.appendLog(c, lease, level, message, now));
    }

    @Override
    public boolean mergeMeta(Lease lease, JsonNode patch, Instant now) {
        return writeStatement(c -> leases.mergeMeta(c, lease, patch, now));
    }

    // ---- parents and children ------------------------------------------------------------------

    @Override
    public Map<JobStatus, Long> childCounts(UUID parentId) {
        return read(c -> queries.childCounts(c, parentId));
    }

    @Override
    public Map<JobStatus, Long> scopeCounts(UUID scopeId) {
        return read(c -> queries.scopeCounts(c, scopeId));
    }

    @Override
    public Map<JobStatus, Long> treeCounts(UUID rootId) {
        return read(c -> queries.treeCounts(c, rootId));
    }

    @Override
    public boolean finishWaiting(UUID id, JobStatus to, String error, JsonNode metaPatch, Instant now) {
        return writeStatement(c -> trees.finishWaiting(c, id, to, error, metaPatch, now));
    }

    @Override
    public boolean setProgress(UUID id, long current, long total, String text, Instant now) {
        return writeStatement(c -> trees.setProgress(c, id, current, total, text, now));
    }

    @Override
    public Optional<Job> findCached(String cacheKey, Instant now) {
        return read(c -> queries.cached(c, cacheKey, now));
    }

    // ---- job definitions -------------------------------------------------------------------------

    @Override
    public StoredDefinition saveDefinition(StoredDefinition definition, Instant now) {
        return writeStatement(c -> definitions.save(c, definition, now));
    }

    @Override
    public Optional<StoredDefinition> getDefinition(String id) {
        return read(c -> definitions.get(c, id));
    }

    @Override
    public List<StoredDefinition> listDefinitions() {
        return read(definitions::list);
    }

    @Override
    public boolean deleteDefinition(String id) {
        return writeStatement(c -> definitions.delete(c, id));
    }

    /** The tick and the run's jobs in one transaction: a refused insert (queue full) gives the tick back. */
    @Override
    public List<SubmitResult> insertForTick(String definitionId, Instant tickAt, List<NewJob> jobs, InsertOptions options) {
        return write(c -> definitions.recordTick(c, definitionId, tickAt) ? submitter.insert(c, jobs, options) : List.of());
    }

    @Override
    public Optional<Instant> lastTick(String definitionId) {
        return read(c -> definitions.lastTick(c, definitionId));
    }

    // ---- recurring plain jobs -------------------------------------------------------------------

    @Override
    public io.ordo.core.schedule.Schedule saveSchedule(io.ordo.core.schedule.Schedule s, Instant now) {
        return writeStatement(c -> schedules.save(c, s, now));
    }

    @Override
    public Optional<io.ordo.core.schedule.Schedule> getSchedule(String id) {
        return read(c -> schedules.get(c, id));
    }

    @Override
    public List<io.ordo.core.schedule.Schedule> listSchedules() {
        return read(schedules::list);
    }

    @Override
    public boolean deleteSchedule(String id) {
        return writeStatement(c -> schedules.delete(c, id));
    }

    @Override
    public Optional<io.ordo.core.schedule.Schedule> setSchedulePaused(String id, boolean paused, Instant nextRunAt, Instant now) {
        return writeStatement(c -> schedules.setPaused(c, id, paused, nextRunAt, now));
    }

    /** The tick, the job and the schedule's last run in one transaction: a refused insert (queue full) gives the tick back. */
    @Override
    public Optional<SubmitResult> insertForSchedule(String id, Instant tickAt, NewJob job, InsertOptions options, Instant nextRunAt,
                                                    Instant now) {
        return write(c -> {
            Optional<io.ordo.core.schedule.Schedule> s = schedules.get(c, id);
            // gone, or paused since the ticker read it: no tick (a manual run still goes)
            if (s.isEmpty() || tickAt != null && s.get().paused()) return Optional.<SubmitResult>empty();
            if (tickAt != null && !definitions.recordTick(c, io.ordo.core.schedule.Schedule.tickKey(id), tickAt)) return Optional.<SubmitResult>empty();
            SubmitResult r = submitter.insert(c, List.of(job), options).get(0);
            schedules.ran(c, id, tickAt != null ? tickAt : now, r.job().id(), s.get().paused() ? null : nextRunAt);
            return Optional.of(r);
        });
    }

    @Override
    public void setScheduleNextRun(String id, Instant nextRunAt) {
        writeStatement(c -> {
            schedules.setNextRun(c, id, nextRunAt);
            return null;
        });
    }

    // ---- maintenance ---------------------------------------------------------------------------

    @Override
    public int promoteDue(Instant now, int limit) {
        return write(c -> {
            int[] promoted = {0};
            Set<String> queues = admin.promoteDue(c, now, limit, promoted);
            if (!queues.isEmpty()) jobsReady(c, queues);
            return promoted[0];
        });
    }

    @Override
    public Optional<Instant> nextScheduledAt() {
        return read(queries::nextScheduledAt);
    }

    @Override
    public List<Job> expiredLeases(Instant now, int limit) {
        return read(c -> queries.expiredLeases(c, now, limit));
    }

    @Override
    public int prune(Instant before, int limit) {
        return write(c -> admin.prune(c, before, limit));
    }

    @Override
    public int expireResults(Instant now, int limit) {
        return writeStatement(c -> admin.expireResults(c, now, limit));
    }

    // ---- saved results -------------------------------------------------------------------------

    @Override
    public OptionalLong appendResult(Lease lease, JsonNode data, String title, String reference, Instant expiresAt, Instant now) {
        return write(c -> {
            OptionalLong id = results.append(c, lease, data, title, reference, expiresAt, now);
            if (id.isPresent()) leases.saveResult(c, lease, data, expiresAt, now);
            return id;
        });
    }

    @Override
    public Page<SavedResult> savedResults(ResultScope scope, String cursor, int limit) {
        return read(c -> results.page(c, scope, cursor, limit));
    }

    @Override
    public long countSavedResults(ResultScope scope) {
        return read(c -> results.count(c, scope));
    }

    @Override
    public int deleteExpiredResults(Instant now, int limit) {
        return writeStatement(c -> results.deleteExpired(c, now, limit));
    }

    @Override
    public boolean resumeWaiting(UUID id, int continuation, Instant now) {
        return write(c -> {
            String queue = results.resume(c, id, continuation, now);
            if (queue == null) return false;
            jobsReady(c, Set.of(queue));
            return true;
        });
    }

    // ---- reads and admin -----------------------------------------------------------------------

    @Override
    public Optional<Job> get(UUID id) {
        return read(c -> queries.get(c, id));
    }

    @Override
    public Page<Job> list(JobFilter filter, String cursor, int limit) {
        return read(c -> queries.list(c, filter, cursor, limit));
    }

    @Override
    public Page<Job> definitionRuns(String definitionId, String cursor, int limit) {
        return read(c -> queries.definitionRuns(c, definitionId, cursor, limit));
    }

    @Override
    public Page<Job> batches(String cursor, int limit) {
        return read(c -> queries.batches(c, cursor, limit));
    }

    @Override
    public List<FailureGroup> failureGroups(int scan, int limit) {
        return read(c -> queries.failureGroups(c, scan, limit));
    }

    @Override
    public List<JobLog> logsBefore(UUID jobId, long beforeSeq, int limit) {
        if (limit < 1) return List.of();
        return read(c -> queries.logsBefore(c, jobId, beforeSeq, limit));
    }

    @Override
    public List<JobLog> logs(UUID jobId, long afterSeq, int limit) {
        if (limit < 1) return List.of();
        return read(c -> queries.logs(c, jobId, afterSeq, limit));
    }

    @Override
    public Map<String, Map<JobStatus, Long>> counts() {
        return read(queries::counts);
    }

    @Override
    public CancelResult cancel(UUID id, Instant now) {
        return write(c -> admin.cancel(c, id, now));
    }

    @Override
    public int cancelQueued(String queue, String reason, Instant now, int limit) {
        String waiting = Guards.into("status", JobStatus.CANCELLED, JobStatus.PENDING, JobStatus.SCHEDULED);
        // the guard is repeated outside: a row claimed while we waited for its lock is running now and stays so
        String sql = d.sql("UPDATE {jobs} SET status = 'cancelled', error = ?, finished_at = ?, updated_at = ? WHERE id IN "
                + "(SELECT id FROM {jobs} WHERE queue = ? AND " + waiting + " LIMIT " + limit + ") AND " + waiting);
        return writeStatement(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, reason);
                d.setTime(ps, 2, now);
                d.setTime(ps, 3, now);
                ps.setString(4, queue);
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public Job restart(UUID id, Instant now) {
        return write(c -> {
            Job j = admin.restart(c, id, now);
            jobsReady(c, Set.of(j.queue()));
            return j;
        });
    }

    @Override
    public void delete(UUID id) {
        write(c -> {
            admin.delete(c, id);
            return null;
        });
    }

    // ---- webhooks ----------------------------------------------------------------------------------

    @Override
    public List<Job> webhooksDue(int limit) {
        if (limit < 1) return List.of();
        return read(c -> ops.webhooksDue(c, limit));
    }

    /** The flag and the delivery in one transaction, the delivery through the usual insert (counters, wake-ups). */
    @Override
    public boolean queueWebhook(UUID jobId, NewJob delivery) {
        Instant at = delivery.createdAt() != null ? delivery.createdAt() : Instant.now();
        return write(c -> {
            if (!ops.markWebhookQueued(c, jobId, at)) return false;
            submitter.insert(c, List.of(delivery), InsertOptions.NONE);
            return true;
        });
    }
}
