package io.ordo.server.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.Jobs;
import io.ordo.core.util.Uuids;

/**
 * {@code /api/batches}: batches submitted with callbacks or a name ({@code POST /api/jobs/batch}),
 * newest first ({@code GET /api/batches?limit=&cursor=}) and one by id ({@code GET /api/batches/{id}}):
 * status, counts of its jobs by status, progress and the callback jobs enqueued so far.
 */
public final class BatchRoutes implements RouteGroup {
    private final Jobs jobs;

    public BatchRoutes(Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/api/batches", this::list);
        routes.get("/api/batches/{id}", this::get);
    }

    private void list(Context ctx) {
        QueryParams q = QueryParams.of(ctx, QueryParams.PAGE);
        JobRoutes.send(ctx, 200, BatchJson.page(jobs.batches(q.cursor(), q.limit(JobRoutes.DEFAULT_PAGE))));
    }

    private void get(Context ctx) {
        JobRoutes.send(ctx, 200, BatchJson.batch(jobs.batch(Uuids.parse(ctx.pathParam("id")))));
    }
}
