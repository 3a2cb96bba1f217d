package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.InvalidRequestException;
import io.ordo.server.QueueSpec;
import io.ordo.server.WorkerLauncher;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/cluster/workers} {@code {concurrency?, queues?: ["NAME=N[:CAP]", …]}} → 202
 * {@code {node_id, pid, status: "starting", log, nodes_url}}: launches a worker process on this
 * machine against this server's store (see {@link WorkerLauncher}); it shows up in
 * {@code GET /api/cluster/nodes} once it has started. 409 on an in-memory store or when
 * {@value WorkerLauncher#MAX_WORKERS} launched workers run already.
 */
public final class WorkerRoutes implements RouteGroup {
    private static final Set<String> FIELDS = Set.of("concurrency", "queues");
    private final WorkerLauncher launcher;
    private final int maxBodyBytes;

    public WorkerRoutes(WorkerLauncher launcher, int maxBodyBytes) {
        this.launcher = launcher;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/api/cluster/workers", this::launch);
    }

    private void launch(Context ctx) {
        QueryParams.of(ctx, Set.of());
        byte[] raw = RequestBodies.bytes(ctx, maxBodyBytes);
        int concurrency = 10;
        List<QueueSpec> queues = new ArrayList<>();
        if (raw.length > 0 && !new String(raw, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            JsonNode body;
            try {
                body = ApiJson.read(raw);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw ApiError.badRequest("request body is not valid JSON: " + ApiJson.problem(e));
            }
            JsonFields f = JsonFields.of(body, "request body", "", FIELDS);
            Integer n = f.integer("concurrency");
            if (n != null) concurrency = n;
            List<String> qs = f.strings("queues");
            if (qs != null) {
                for (int i = 0; i < qs.size(); i++) {
                    try {
                        queues.add(QueueSpec.parse(qs.get(i)));
                    } catch (InvalidRequestException e) {
                        throw ApiError.badField("queues[" + i + "]", e.getMessage().replace("--queue ", "queues[" + i + "] "));
                    }
                }
            }
        }
        if (concurrency < 1 || concurrency > 1000) {
            throw ApiError.badField("concurrency", "field 'concurrency' must be between 1 and 1000 (got " + concurrency + ")");
        }
        WorkerLauncher.Launched l = launcher.launch(concurrency, queues);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("node_id", l.nodeId());
        o.put("pid", l.pid());
        o.put("status", "starting");
        o.put("log", l.log().toAbsolutePath().toString());
        o.put("nodes_url", "/api/cluster/nodes");
        JobRoutes.send(ctx, 202, o);
    }
}
