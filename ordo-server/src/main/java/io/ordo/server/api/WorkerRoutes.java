package io.ordo.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.ops.NodeCommand;
import io.ordo.core.ops.NodeCommands;
import io.ordo.server.QueueSpec;
import io.ordo.server.WorkerLauncher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/cluster/workers} {@code {node?, concurrency?, queues?: ["NAME=N[:CAP]", …], capabilities?: {k: v}}}:
 * <ul>
 * <li>without {@code node} (or naming this server) → 202 {@code {node_id, pid, status: "starting", log, nodes_url}}:
 *     launches a worker process on this machine against this server's store (see {@link WorkerLauncher}); it shows
 *     up in {@code GET /api/cluster/nodes} once it has started. 409 on an in-memory store or when
 *     {@value WorkerLauncher#MAX_WORKERS} launched workers run already.</li>
 * <li>with {@code node} naming another node → 202 {@code {id, node, kind: "launch", status, url}}: a launch order
 *     that node takes within about a second, starting the worker on its own machine; its outcome (the new worker's
 *     {@code node_id}, {@code pid}, {@code log}, or an error) is at {@code GET /api/cluster/commands/{id}}
 *     ({@link NodeCommandRoutes}). 404 for an unknown node, 409 for a stopped or lost one: nothing is stored.</li>
 * </ul>
 * {@code capabilities} are passed to the worker as {@code --capability k=v}.
 */
public final class WorkerRoutes implements RouteGroup {
    private static final Set<String> FIELDS = Set.of("node", "concurrency", "queues", "capabilities");
    private static final java.util.regex.Pattern CAPABILITY = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
    private final WorkerLauncher launcher;
    private final NodeCommands commands;
    private final String self;
    private final int maxBodyBytes;

    public WorkerRoutes(WorkerLauncher launcher, NodeCommands commands, String self, int maxBodyBytes) {
        this.launcher = launcher;
        this.commands = commands;
        this.self = self;
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
        String node = null;
        Map<String, String> capabilities = new LinkedHashMap<>();
        if (raw.length > 0 && !new String(raw, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            JsonNode body;
            try {
                body = ApiJson.read(raw);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw ApiError.badRequest("request body is not valid JSON: " + ApiJson.problem(e));
            }
            JsonFields f = JsonFields.of(body, "request body", "", FIELDS);
            node = f.string("node");
            if (node != null && node.isBlank()) throw ApiError.badField("node", "field 'node' must not be empty");
            capabilities = capabilities(f.any("capabilities"));
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
        if (node != null && !node.equals(self)) {
            Map<String, Object> args = new LinkedHashMap<>();
            args.put("concurrency", concurrency);
            args.put("queues", queues.stream().map(QueueSpec::toString).toList());
            args.put("capabilities", capabilities);
            JobRoutes.send(ctx, 202, NodeCommandRoutes.accepted(commands.send(node, NodeCommand.LAUNCH, args)));
            return;
        }
        WorkerLauncher.Launched l = launcher.launch(concurrency, queues, capabilities);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("node_id", l.nodeId());
        o.put("pid", l.pid());
        o.put("status", "starting");
        o.put("log", l.log().toAbsolutePath().toString());
        o.put("nodes_url", "/api/cluster/nodes");
        JobRoutes.send(ctx, 202, o);
    }

    /** {@code {gpu: 1, class: "io"}}: names of letters, digits, {@code _.-}; values strings or integers, no spaces. */
    private static Map<String, String> capabilities(JsonNode v) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) return out;
        if (!v.isObject()) throw ApiError.wrongType("capabilities", "an object", JsonFields.typeName(v));
        for (var e : v.properties()) {
            String field = "capabilities." + e.getKey();
            if (!CAPABILITY.matcher(e.getKey()).matches()) {
                throw ApiError.badField(field, "capability name '" + e.getKey() + "' must be letters, digits, '_', '.' or '-', starting with a letter");
            }
            JsonNode value = e.getValue();
            if (!value.isTextual() && !value.isIntegralNumber()) throw ApiError.wrongType(field, "a string or an integer", JsonFields.typeName(value));
            String s = value.asText();
            if (s.isBlank() || s.chars().anyMatch(Character::isWhitespace)) {
                throw ApiError.badField(field, "field '" + field + "' must be a value without spaces (got '" + s + "')");
            }
            out.put(e.getKey(), s);
        }
        return out;
    }
}
