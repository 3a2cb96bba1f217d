package io.ordo.server.dashboard;

import io.ordo.server.ApiTestServer;
import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import io.ordo.server.QueueSpec;
import io.ordo.server.ServerOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real server for the browser tests: a SQLite file (so that a second server can open the same store
 * after a restart), the repository's example definitions, and {@link ApiTestServer}'s handlers
 * {@code talk} (logs lines, reports progress) and {@code fan} (spawns children).
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
        return OrdoServer.create(options.resolve(Map.of()), config -> config.handler(new ApiTestServer.Talk()).handler(new ApiTestServer.Fan())).start();
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
}
