package io.ordo.server;

import io.ordo.core.model.Job;
import io.ordo.core.util.Uuids;

import java.time.Duration;
import java.util.Map;

/**
 * An in-process server on a free port with the in-memory store: queue {@code default} (4 slots)
 * and {@code tiny}, which no worker serves and which holds at most 2 waiting jobs (for 429s).
 */
public final class TestServer {
    private TestServer() {
    }

    public static OrdoServer start() {
        return start(new ServerOptions());
    }

    public static OrdoServer start(ServerOptions options) {
        options.storeUrl("memory:").port(0).concurrency(4).shutdownGrace(Duration.ofMillis(500))
                .queue(QueueSpec.parse("tiny=0:2"));
        return OrdoServer.create(options.resolve(Map.of())).start();
    }

    /** The job as stored, straight from the node (not through HTTP). */
    public static Job job(OrdoServer server, String id) {
        return server.ordo().jobs().require(Uuids.parse(id));
    }
}
