package io.ordo.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.LogLevel;
import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import io.ordo.server.QueueSpec;
import io.ordo.server.ServerOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real server for the browser tests: a SQLite file (so that a second server can open the same store
 * after a restart), the repository's example definitions, and two handlers: {@code talk} logs
 * {@code payload.lines} lines, {@code payload.ms} apart, and reports progress; {@code fan} spawns
 * {@code payload.children} {@code noop} children.
 */
final class DashboardServer {
    static final Path DEFINITIONS = Path.of("..", "job-definitions");

    private DashboardServer() {
    }

    static OrdoServer start(Path dir) {
        return start(dir, 0, List.of(), List.of());
    }

    static OrdoServer start(Path dir, int port, List<String> adminTokens, List<String> readTokens) {
        ServerOptions options = new ServerOptions().storeUrl("jdbc:sqlite:" + dir.resolve("ordo.db")).dataDir(dir).port(port)
                .concurrency(8).shutdownGrace(Duration.ofMillis(500)).definitionsDir(DEFINITIONS).queue(QueueSpec.parse("mail=2"))
                .adminTokens(adminTokens).readTokens(readTokens);
        return OrdoServer.create(options.resolve(Map.of()), config -> config.handler(new Talk()).handler(new Fan())).start();
    }

    /** Submits a job over the API; returns its id. */
    static String submit(Http http, String body) {
        Http.Response r = http.post("/api/jobs", body);
        if (r.status() != 202) throw new IllegalStateException("submit failed: " + r);
        return r.json().path("job_id").asText();
    }

    static String status(Http http, String id) {
        return http.get("/api/jobs/" + id).json().path("status").asText();
    }

    static final class Talk implements JobHandler {
        @Override
        public String type() {
            return "talk";
        }

        @Override
        public Object run(JobContext ctx) throws Exception {
            JsonNode p = ctx.payload();
            int lines = p.path("lines").asInt(3);
            long ms = p.path("ms").asLong(0);
            for (int i = 1; i <= lines; i++) {
                ctx.log(i % 5 == 0 ? LogLevel.WARN : LogLevel.INFO, "line " + i + " of " + lines);
                ctx.progress(i, lines, "line " + i);
                if (ms > 0) Thread.sleep(ms);
            }
            return Map.of("lines", lines);
        }
    }

    static final class Fan implements JobHandler {
        @Override
        public String type() {
            return "fan";
        }

        @Override
        public Object run(JobContext ctx) {
            int n = ctx.payload().path("children").asInt(2);
            List<JobRequest> children = new ArrayList<>();
            for (int i = 0; i < n; i++) children.add(JobRequest.of("noop"));
            ctx.spawn(children);
            return Map.of("spawned", n);
        }
    }
}
