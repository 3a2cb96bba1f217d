package io.ordo.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.Jobs;
import io.ordo.core.model.JobRequest;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Uuids;

import java.util.List;

/**
 * {@code /api/jobs}: submit one ({@code POST /api/jobs} → 202), submit many in one transaction
 * ({@code POST /api/jobs/batch} → 202), read one ({@code GET /api/jobs/{id}}), and counts by
 * status ({@code GET /api/jobs/stats}).
 */
public final class JobRoutes implements RouteGroup {
    private final Jobs jobs;
    private final int maxBodyBytes;

    public JobRoutes(Jobs jobs, int maxBodyBytes) {
        this.jobs = jobs;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/jobs", this::submit);
        routes.post("/api/jobs/batch", this::submitBatch);
        // fixed paths before /{id}: the first matching route wins
        routes.get("/api/jobs/stats", this::stats);
        routes.get("/api/jobs/{id}", this::get);
    }

    private void submit(Context ctx) {
        JobRequest request = SubmitRequests.one(RequestBodies.json(ctx, maxBodyBytes));
        SubmitResult r = jobs.submitDetailed(List.of(request)).get(0);
        ctx.header("Location", JobJson.statusUrl(r.job().id()));
        send(ctx, 202, JobJson.accepted(r.job(), r.created()));
    }

    private void submitBatch(Context ctx) {
        List<JobRequest> requests = SubmitRequests.batch(RequestBodies.json(ctx, maxBodyBytes));
        List<SubmitResult> results = jobs.submitDetailed(requests);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode out = body.putArray("jobs");
        results.forEach(r -> out.add(JobJson.accepted(r.job(), r.created())));
        send(ctx, 202, body);
    }

    private void get(Context ctx) {
        send(ctx, 200, JobJson.job(jobs.require(Uuids.parse(ctx.pathParam("id")))));
    }

    private void stats(Context ctx) {
        send(ctx, 200, JobJson.stats(jobs.stats()));
    }

    static void send(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(ApiJson.write(body));
    }
}
