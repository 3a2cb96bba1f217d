package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.Jobs;
import io.ordo.core.model.FailureGroup;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Uuids;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /api/jobs}: submit one ({@code POST /api/jobs} → 202), submit many in one transaction
 * ({@code POST /api/jobs/batch} → 202), read one ({@code GET /api/jobs/{id}}), its direct children
 * ({@code GET /api/jobs/{id}/children}), and counts by status ({@code GET /api/jobs/stats}); lists
 * ({@code GET /api/jobs}), a job's tree, logs and results; failed jobs grouped by type and error
 * ({@code GET /api/jobs/dead-letter}). Changes (cancel, restart, delete, bulk) are in {@link JobActionRoutes}.
 *
 * <p>{@code GET /api/jobs/{id}} adds, for a job that has children, {@code children}: its direct
 * children by status, for a root job with descendants, {@code tree}: all its descendants by
 * status, and for a definition step, {@code scope}: every job its action spawned, at any depth
 * (each with every status and {@code total}). A job without children has none of them. A pending
 * job no alive node can claim has {@code waiting_for}, e.g. {@code "a node with gpu=1"} (told from
 * the nodes' last reports when the job is read). A job of a batch (or a batch's callback) has
 * {@code batch_id}.
 */
public final class JobRoutes implements RouteGroup {
    static final int DEFAULT_PAGE = 50;

    private final Jobs jobs;
    private final JobStore store;
    private final int maxBodyBytes;
    private final java.util.function.Supplier<List<io.ordo.core.ops.NodeView>> nodes;

    public JobRoutes(Jobs jobs, JobStore store, int maxBodyBytes) {
        this(jobs, store, maxBodyBytes, List::of);
    }

    /** With {@code nodes} (the cluster view) to tell why a pending job waits. */
    public JobRoutes(Jobs jobs, JobStore store, int maxBodyBytes, java.util.function.Supplier<List<io.ordo.core.ops.NodeView>> nodes) {
        this.jobs = jobs;
        this.store = store;
        this.maxBodyBytes = maxBodyBytes;
        this.nodes = nodes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/jobs", this::submit);
        routes.post("/api/jobs/batch", this::submitBatch);
        routes.get("/api/jobs", this::list);
        // fixed paths before /{id}: the first matching route wins
        routes.get("/api/jobs/stats", this::stats);
        routes.get("/api/jobs/dead-letter", this::deadLetter);
        routes.get("/api/jobs/{id}", this::get);
        routes.get("/api/jobs/{id}/children", this::children);
        routes.get("/api/jobs/{id}/tree", this::tree);
        routes.get("/api/jobs/{id}/logs", this::logs);
        routes.get("/api/jobs/{id}/results", this::results);
    }

    /**
     * {@code GET /api/jobs?status=&queue=&type=&parent_id=&root_id=&limit=&cursor=} → {@code {jobs, next_cursor}},
     * newest first; {@code status} may list several ({@code failed,cancelled}).
     */
    private void list(Context ctx) {
        QueryParams q = QueryParams.of(ctx, QueryParams.union(QueryParams.FILTER, QueryParams.PAGE));
        JobFilter filter = q.filter();
        int limit = q.limit(DEFAULT_PAGE);
        send(ctx, 200, JobJson.page(jobs.list(filter, q.cursor(), limit)));
    }

    /** {@code GET /api/jobs/{id}/tree?limit=&cursor=} → {@code {jobs, next_cursor}}: the job and the jobs under it. */
    private void tree(Context ctx) {
        UUID id = Uuids.parse(ctx.pathParam("id"));
        QueryParams q = QueryParams.of(ctx, QueryParams.PAGE);
        int limit = q.limit(DEFAULT_PAGE);
        send(ctx, 200, JobJson.page(jobs.tree(id, q.cursor(), limit)));
    }

    /**
     * {@code GET /api/jobs/{id}/results?limit=&cursor=} → {@code {results: [{id, job_id, type, step, status, title, reference,
     * result, created_at, expires_at}], next_cursor}}: the results saved in the job's tree, newest first (see {@code Jobs.results}).
     */
    private void results(Context ctx) {
        UUID id = Uuids.parse(ctx.pathParam("id"));
        QueryParams q = QueryParams.of(ctx, QueryParams.PAGE);
        int limit = q.limit(DEFAULT_PAGE);
        send(ctx, 200, JobJson.results(jobs.results(id, q.seqCursor(), limit)));
    }

    /**
     * {@code GET /api/jobs/{id}/logs?after=&limit=} → {@code {logs: [{seq, attempt, at, level, message}], next_after}},
     * oldest first; pass {@code next_after} as {@code after} to get only newer lines. {@code ?tail=N}: the newest N
     * lines; {@code ?before=SEQ&limit=N}: the N lines just before SEQ (to page back from a tail). Both still oldest first.
     */
    private void logs(Context ctx) {
        UUID id = Uuids.parse(ctx.pathParam("id"));
        QueryParams q = QueryParams.of(ctx, Set.of("after", "before", "tail", "limit"));
        boolean backwards = q.one("before") != null || q.one("tail") != null;
        if (backwards && (q.one("after") != null || q.one("before") != null && q.one("tail") != null)) {
            throw ApiError.badRequest("give one of 'after', 'before' (with 'limit') or 'tail'");
        }
        if (q.one("tail") != null && q.one("limit") != null) throw ApiError.badField("limit", "'tail' is the number of lines: leave 'limit' out");
        long after = q.nonNegativeLong("after", 0);
        jobs.require(id);
        if (!backwards) {
            send(ctx, 200, JobJson.logs(jobs.logs(id, after, q.limit(Jobs.MAX_PAGE)), after));
            return;
        }
        long before = q.nonNegativeLong("before", Long.MAX_VALUE);
        int limit = q.one("tail") != null ? (int) Math.min(Integer.MAX_VALUE, q.nonNegativeLong("tail", 0)) : q.limit(Jobs.MAX_PAGE);
        if (limit < 1 || limit > Jobs.MAX_PAGE) throw ApiError.badField("tail", "query parameter 'tail' must be 1-" + Jobs.MAX_PAGE + " (got " + limit + ")");
        send(ctx, 200, JobJson.logs(jobs.logsBefore(id, before, limit), 0));
    }

    private void submit(Context ctx) {
        JobRequest request = SubmitRequests.one(RequestBodies.json(ctx, maxBodyBytes));
        SubmitResult r = submitted(List.of(request)).get(0);
        ctx.header("Location", JobJson.statusUrl(r.job().id()));
        send(ctx, 202, JobJson.accepted(r.job(), r.created()));
    }

    private void submitBatch(Context ctx) {
        com.fasterxml.jackson.databind.JsonNode json = RequestBodies.json(ctx, maxBodyBytes);
        var withCallbacks = SubmitRequests.batchWithCallbacks(json);
        if (withCallbacks.isPresent()) {
            io.ordo.core.batch.Batch b = jobs.batch(withCallbacks.get());
            ctx.header("Location", BatchJson.url(b.id()));
            send(ctx, 202, BatchJson.accepted(b));
            return;
        }
        List<JobRequest> requests = SubmitRequests.batch(json);
        List<SubmitResult> results = submitted(requests);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode out = body.putArray("jobs");
        results.forEach(r -> out.add(JobJson.accepted(r.job(), r.created())));
        send(ctx, 202, body);
    }

    private List<SubmitResult> submitted(List<JobRequest> requests) {
        try {
            return jobs.submitDetailed(requests);
        } catch (io.ordo.core.InvalidRequestException e) {
            throw SubmitRequests.withField(e);
        }
    }

    private void get(Context ctx) {
        Job job = jobs.require(Uuids.parse(ctx.pathParam("id")));
        ObjectNode o = JobJson.job(job);
        if (job.status() == JobStatus.PENDING) {
            String waiting = io.ordo.core.ops.Routing.waitingFor(job, nodes.get());
            if (waiting != null) o.put("waiting_for", waiting);
        }
        // a job of a batch (or one of its callbacks) links to its batch's page
        if (job.parentId() != null && job.depth() == 1) {
            store.get(job.parentId()).filter(p -> io.ordo.core.batch.Batches.TYPE.equals(p.type()))
                    .ifPresent(p -> o.put("batch_id", p.id().toString()));
        }
        if (io.ordo.core.engine.DependencyMonitor.isWaitingOnDependencies(job)) {
            // the dependencies not ended yet (a failed one skips the job at its next evaluation)
            ArrayNode on = o.putArray("waiting_on");
            store.dependencies(job.id()).stream().filter(d -> !d.done()).forEach(d -> on.add(d.id().toString()));
        }
        Map<JobStatus, Long> children = store.childCounts(job.id());
        if (children.values().stream().anyMatch(n -> n != null && n > 0)) {
            o.set("children", DefinitionJson.counts(children));
            if (job.parentId() == null) o.set("tree", DefinitionJson.counts(store.treeCounts(job.id())));
            // a definition step: what its action spawned at any depth, which its progress and tolerance count
            if (job.id().equals(job.scopeId())) o.set("scope", DefinitionJson.counts(store.scopeCounts(job.id())));
        }
        send(ctx, 200, o);
    }

    /** {@code GET /api/jobs/{id}/children?limit=&cursor=} → {@code {jobs: [job], next_cursor}}, newest first. */
    private void children(Context ctx) {
        UUID id = Uuids.parse(ctx.pathParam("id"));
        QueryParams q = QueryParams.of(ctx, QueryParams.PAGE);
        int limit = q.limit(DEFAULT_PAGE);
        String cursor = q.cursor();
        jobs.require(id);
        send(ctx, 200, JobJson.page(jobs.children(id, cursor, limit)));
    }

    static final int DEFAULT_SCAN = 10_000;

    /**
     * {@code GET /api/jobs/dead-letter?scan=&limit=} → {@code {groups: [{type, error, count, first_failed_at,
     * last_failed_at, newest_job_id}], scanned, failed_total}}: the newest {@code scan} failed jobs (10,000 by
     * default) grouped by type and last error, biggest first. {@code scanned < failed_total} says older failures were left out.
     */
    private void deadLetter(Context ctx) {
        QueryParams q = QueryParams.of(ctx, Set.of("scan", "limit"));
        long scan = q.nonNegativeLong("scan", DEFAULT_SCAN);
        if (scan < 1 || scan > Jobs.MAX_SCAN) throw ApiError.badField("scan", "query parameter 'scan' must be 1-" + Jobs.MAX_SCAN + " (got " + scan + ")");
        int limit = q.limit(100);
        List<FailureGroup> groups = jobs.deadLetterGroups((int) scan, limit);
        long failed = jobs.stats().byStatus().getOrDefault(JobStatus.FAILED, 0L);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode out = body.putArray("groups");
        for (FailureGroup g : groups) {
            ObjectNode o = out.addObject();
            o.put("type", g.type());
            o.put("error", g.error());
            o.put("count", g.count());
            o.put("first_failed_at", JobJson.time(g.firstFailedAt()));
            o.put("last_failed_at", JobJson.time(g.lastFailedAt()));
            o.put("newest_job_id", g.newestJobId().toString());
        }
        body.put("scanned", Math.min(scan, failed));
        body.put("failed_total", failed);
        send(ctx, 200, body);
    }

    private void stats(Context ctx) {
        send(ctx, 200, JobJson.stats(jobs.stats()));
    }

    static void send(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(ApiJson.write(body));
    }
}
