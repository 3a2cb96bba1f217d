package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.LogLevel;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@link TestServer}'s setup plus two handlers for the read routes: {@code talk} logs
 * {@code payload.lines} lines (sleeping {@code payload.ms} between them), reports its progress line by
 * line and returns {@code {lines}}; {@code fan} spawns {@code payload.children} children of type
 * {@code payload.type} ({@code talk} with one line by default) and returns {@code {spawned}}.
 */
public final class ApiTestServer {
    private ApiTestServer() {
    }

    public static OrdoServer start() {
        return start("memory:");
    }

    /** On the given store, e.g. {@code jdbc:sqlite:/tmp/x.db}. */
    public static OrdoServer start(String storeUrl) {
        ServerOptions options = new ServerOptions().storeUrl(storeUrl).port(0).concurrency(4).shutdownGrace(Duration.ofMillis(500))
                .queue(QueueSpec.parse("tiny=0:2"));
        return OrdoServer.create(options.resolve(Map.of()), config -> config.handler(new Talk()).handler(new Fan())).start();
    }

    public static final class Talk implements JobHandler {
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
                ctx.log(i % 2 == 0 ? LogLevel.WARN : LogLevel.INFO, "line " + i);
                ctx.progress(i, lines, "line " + i);
                if (ms > 0) Thread.sleep(ms);
            }
            // saved, not returned: GET /api/jobs/{id}/results lists saved results only
            ctx.saveResult(Map.of("lines", lines), "lines", "talk:" + lines);
            return null;
        }
    }

    public static final class Fan implements JobHandler {
        @Override
        public String type() {
            return "fan";
        }

        @Override
        public Object run(JobContext ctx) {
            int n = ctx.payload().path("children").asInt(2);
            String type = ctx.payload().path("type").asText("talk");
            List<JobRequest> children = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) children.add(type.equals("talk") ? JobRequest.of("talk").payload(Map.of("lines", 1)) : JobRequest.of(type));
            ctx.spawn(children);
            ctx.saveResult(Map.of("spawned", n), "spawned", null);
            return null;
        }
    }
}
