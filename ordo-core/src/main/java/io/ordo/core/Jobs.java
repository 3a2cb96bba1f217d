package io.ordo.core;

import io.ordo.core.engine.JobFactory;
import io.ordo.core.model.FailureGroup;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobLog;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStats;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.Page;
import io.ordo.core.store.CancelResult;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.store.TransactionalJobStore;

import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The public job service: submit, read, cancel, restart, delete, stats. Obtained from
 * {@link Ordo#jobs()}. A submit is durable when it returns.
 */
public final class Jobs {
    public static final int MAX_PAGE = 1000;
    public static final int MAX_BATCH = 10_000;
    /** The most failed jobs {@link #deadLetterGroups} looks at in one call. */
    public static final int MAX_SCAN = 50_000;

    private final JobStore store;
    private final JobFactory factory;
    private final java.util.function.Supplier<InsertOptions> insertOptions;
    private final Clock clock;
    private final Consumer<List<Job>> onInserted;
    private final Consumer<CancelResult> onCancelled;
    private final io.ordo.core.batch.Batches batches;

    Jobs(JobStore store, JobFactory factory, java.util.function.Supplier<InsertOptions> insertOptions, Clock clock,
         Consumer<List<Job>> onInserted, Consumer<CancelResult> onCancelled, io.ordo.core.batch.Batches batches) {
        this.batches = batches;
        this.store = store;
        this.factory = factory;
        this.insertOptions = insertOptions;
        this.clock = clock;
        this.onInserted = onInserted;
        this.onCancelled = onCancelled;
    }

    /** Submits one job; returns it (or the existing job a unique/cache key resolved to). */
    public Job submit(JobRequest request) {
        return submitBatch(List.of(request)).get(0);
    }

    /** Submits many jobs in one transaction: all are stored, or none (e.g. on a full queue). */
    public List<Job> submitBatch(List<JobRequest> requests) {
        return submitDetailed(requests).stream().map(SubmitResult::job).toList();
    }

    /** Like {@link #submitBatch} but says for each job whether it was created or an existing one. */
    public List<SubmitResult> submitDetailed(List<JobRequest> requests) {
        checkBatch(requests);
        List<NewJob> jobs = factory.build(requests, null, clock.instant());
        io.ordo.core.engine.DependencyPlan plan = io.ordo.core.engine.DependencyPlan.of(requests, jobs);
        List<SubmitResult> results = plan.deps().isEmpty() ? store.insert(jobs, insertOptions.get())
                : store.insert(plan.jobs(), insertOptions.get(), plan.deps());
        announce(results);
        return results;
    }

    /**
     * Submits a batch: its jobs in one transaction, and callbacks enqueued once when every job of it is
     * terminal (see {@link io.ordo.core.batch.BatchRequest}).
     */
    public io.ordo.core.batch.Batch batch(io.ordo.core.batch.BatchRequest request) {
        return batches.submit(request);
    }

    /** The batch, or {@link JobNotFoundException}. */
    public io.ordo.core.batch.Batch batch(UUID batchId) {
        return batches.require(batchId);
    }

    /** Batches, newest first. */
    public Page<io.ordo.core.batch.Batch> batches(String cursor, int limit) {
        return batches.list(cursor, limit);
    }

    /**
     * Enqueues inside the caller's JDBC transaction: the job exists exactly when the caller
     * commits. Only on SQL stores, with a connection to the same database.
     */
    public Job submit(Connection connection, JobRequest request) {
        return submitBatch(connection, List.of(request)).get(0);
    }

    public List<Job> submitBatch(Connection connection, List<JobRequest> requests) {
        if (!(store instanceof TransactionalJobStore tx)) {
            throw new InvalidRequestException("transactional submit needs a SQL store; this one is " + store.kind());
        }
        checkBatch(requests);
        if (requests.stream().anyMatch(JobRequest::hasDependencies)) {
            throw new InvalidRequestException("depends_on: not supported in a transactional submit; submit the dependant on its own");
        }
        List<NewJob> jobs = factory.build(requests, null, clock.instant());
        // workers learn of these through polling/NOTIFY once the caller commits
        return tx.insert(connection, jobs, insertOptions.get()).stream().map(SubmitResult::job).toList();
    }

    private static void checkBatch(List<JobRequest> requests) {
        if (requests.isEmpty()) throw new InvalidRequestException("a batch needs at least one job");
        if (requests.size() > MAX_BATCH) throw new InvalidRequestException("a batch holds at most " + MAX_BATCH + " jobs (got " + requests.size() + ")");
    }

    private void announce(List<SubmitResult> results) {
        List<Job> created = results.stream().filter(SubmitResult::created).map(SubmitResult::job).toList();
        if (!created.isEmpty()) onInserted.accept(created);
    }

    public Optional<Job> get(UUID id) {
        return store.get(id);
    }

    /** The job, or {@link JobNotFoundException}. */
    public Job require(UUID id) {
        return store.get(id).orElseThrow(() -> new JobNotFoundException("job " + id + " not found"));
    }

    public Page<Job> list(JobFilter filter, String cursor) {
        return list(filter, cursor, 50);
    }

    public Page<Job> list(JobFilter filter, String cursor, int limit) {
        if (limit < 1 || limit > MAX_PAGE) throw new InvalidRequestException("limit must be 1-" + MAX_PAGE + " (got " + limit + ")");
        return store.list(filter == null ? JobFilter.ALL : filter, cursor, limit);
    }

    public Page<Job> children(UUID parentId, String cursor, int limit) {
        return list(JobFilter.ALL.withParent(parentId), cursor, limit);
    }

    /** Failed jobs (attempts used up): the dead-letter view. Restart or delete them from here. */
    public Page<Job> deadLetter(String cursor, int limit) {
        return list(JobFilter.status(JobStatus.FAILED), cursor, limit);
    }

    /**
     * The dead-letter view grouped: the newest {@code scan} failed jobs by type and last error,
     * biggest groups first. Restart or delete a group with {@link #bulk(BulkAction, JobFilter, int)}
     * and a filter on status {@code failed}, the type and the error.
     */
    public List<FailureGroup> deadLetterGroups(int scan, int limit) {
        if (scan < 1 || scan > MAX_SCAN) throw new InvalidRequestException("scan must be 1-" + MAX_SCAN + " (got " + scan + ")");
        checkLimit(limit);
        return store.failureGroups(scan, limit);
    }

    public List<JobLog> logs(UUID id, long afterSeq, int limit) {
        if (limit < 1 || limit > MAX_PAGE) throw new InvalidRequestException("limit must be 1-" + MAX_PAGE);
        return store.logs(id, afterSeq, limit);
    }

    /** The newest {@code limit} log lines before {@code beforeSeq} (all of the tail: {@code Long.MAX_VALUE}), oldest first. */
    public List<JobLog> logsBefore(UUID id, long beforeSeq, int limit) {
        if (limit < 1 || limit > MAX_PAGE) throw new InvalidRequestException("limit must be 1-" + MAX_PAGE);
        return store.logsBefore(id, beforeSeq, limit);
    }

    /** Cancels the job and its descendants; running ones stop cooperatively, then by interrupt. */
    public CancelResult cancel(UUID id) {
        CancelResult r = store.cancel(id, clock.instant());
        onCancelled.accept(r);
        return r;
    }

    /** Requeues a failed or cancelled job. */
    public Job restart(UUID id) {
        // a batch job is never claimed: requeued it would wait for a handler that does not exist
        if (store.get(id).map(j -> io.ordo.core.batch.Batches.TYPE.equals(j.type())).orElse(false)) {
            throw new ConflictException("job " + id + " is a batch; restart its failed jobs instead (a batch ends once)");
        }
        Job job = store.restart(id, clock.instant());
        onInserted.accept(List.of(job));
        return job;
    }

    public void delete(UUID id) {
        store.delete(id);
    }

    public JobStats stats() {
        return JobStats.of(store.counts());
    }

    // ---- trees and results ----------------------------------------------------------------------

    /**
     * The jobs under {@code id}, newest first: for a root every job of its tree, for a scope (a
     * definition step) every job of the scope, else its direct children. The job itself is included.
     */
    public Page<Job> tree(UUID id, String cursor, int limit) {
        checkLimit(limit);
        return store.list(treeFilter(require(id)), cursor, limit);
    }

    private static JobFilter treeFilter(Job j) {
        if (j.id().equals(j.rootId()) && j.parentId() == null) return JobFilter.ALL.withRoot(j.id());
        if (j.id().equals(j.scopeId())) return JobFilter.ALL.withScope(j.id());
        return JobFilter.ALL.withParent(j.id());
    }

    /**
     * The results saved in a job's tree, newest first: for a root job its whole tree, for a scope
     * job (a definition step) its scope, for any other job its own and its direct children's. Only
     * results saved with {@code saveResult} are listed; a value a handler returns is its job's main
     * result ({@link Job#result()}), not listed here.
     */
    public Page<io.ordo.core.model.SavedResult> results(UUID id, String cursor, int limit) {
        checkLimit(limit);
        return store.savedResults(io.ordo.core.model.ResultScope.of(require(id)), cursor, limit);
    }

    /** How many results are saved in a job's tree (the scope of {@link #results}). */
    public long resultCount(UUID id) {
        return store.countSavedResults(io.ordo.core.model.ResultScope.of(require(id)));
    }

    /** Counts of the jobs under a job by status: its direct children, and (for a root) its whole tree. */
    public io.ordo.core.model.ChildCounts childCounts(UUID id) {
        return new io.ordo.core.model.ChildCounts(store.childCounts(id));
    }

    public io.ordo.core.model.ChildCounts treeCounts(UUID rootId) {
        return new io.ordo.core.model.ChildCounts(store.treeCounts(rootId));
    }

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > MAX_PAGE) throw new InvalidRequestException("limit must be 1-" + MAX_PAGE + " (got " + limit + ")");
    }

    // ---- bulk -------------------------------------------------------------------------------------------

    /** What a bulk request does to each job. */
    public enum BulkAction {
        CANCEL, RESTART, DELETE;

        public static BulkAction fromWire(String s) {
            for (BulkAction a : values()) if (a.name().equalsIgnoreCase(s == null ? "" : s.trim())) return a;
            throw new InvalidRequestException("action '" + s + "' is not one of cancel, restart, delete");
        }
    }

    /** Applies {@code action} to each of {@code ids}; jobs it cannot act on are reported, not fatal. */
    public io.ordo.core.ops.BulkResult bulk(BulkAction action, List<UUID> ids) {
        if (ids.isEmpty()) throw new InvalidRequestException("ids: give at least one job id");
        if (ids.size() > MAX_BATCH) throw new InvalidRequestException("ids: at most " + MAX_BATCH + " per request (got " + ids.size() + ")");
        int ok = 0;
        List<io.ordo.core.ops.BulkResult.Failure> failed = new java.util.ArrayList<>();
        for (UUID id : new java.util.LinkedHashSet<>(ids)) {
            try {
                switch (action) {
                    case CANCEL -> cancel(id);
                    case RESTART -> restart(id);
                    case DELETE -> delete(id);
                }
                ok++;
            } catch (OrdoException e) {
                failed.add(new io.ordo.core.ops.BulkResult.Failure(id, e.code(), e.getMessage()));
            }
        }
        return new io.ordo.core.ops.BulkResult(action.name().toLowerCase(java.util.Locale.ROOT), ok + failed.size(), ok, failed);
    }

    /**
     * Applies {@code action} to the jobs matching {@code filter}, at most {@code max} of them (the
     * newest first). The matches are collected before acting, so the action cannot chase its own changes.
     */
    public io.ordo.core.ops.BulkResult bulk(BulkAction action, JobFilter filter, int max) {
        if (max < 1 || max > MAX_BATCH) throw new InvalidRequestException("max must be 1-" + MAX_BATCH + " (got " + max + ")");
        List<UUID> ids = new java.util.ArrayList<>();
        String cursor = null;
        do {
            Page<Job> page = store.list(filter, cursor, Math.min(MAX_PAGE, max - ids.size()));
            page.items().forEach(j -> ids.add(j.id()));
            cursor = page.nextCursor();
        } while (cursor != null && ids.size() < max);
        if (ids.isEmpty()) return new io.ordo.core.ops.BulkResult(action.name().toLowerCase(java.util.Locale.ROOT), 0, 0, List.of());
        return bulk(action, ids);
    }
}
