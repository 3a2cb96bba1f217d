package io.ordo.server.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.JobRequest;
import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import io.ordo.server.ServerOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Servers for the event tests, with handlers that produce every kind of event on demand. */
final class EventServers {
    private EventServers() {
    }

    /**
     * {@code chatty}: {@code {lines, size, progress, children}} logs {@code lines} lines of {@code size}
     * characters, reports progress 1..{@code progress} of {@code progress}, spawns {@code children}
     * noop jobs and returns a result. {@code ticker}: {@code {n, total}} reports progress 1..n of
     * {@code total} as fast as it can, then sleeps {@code hold_ms}.
     */
    static final JobHandler CHATTY = new JobHandler() {
        @Override
        public String type() {
            return "chatty";
        }

        @Override
        public Object run(JobContext ctx) {
            JsonNode p = ctx.payload();
            String line = "x".repeat(p.path("size").asInt(10));
            for (int i = 0; i < p.path("lines").asInt(1); i++) ctx.log(io.ordo.core.model.LogLevel.INFO, "line " + i + " " + line);
            int steps = p.path("progress").asInt(0);
            for (int i = 1; i <= steps; i++) ctx.progress(i, steps, "step " + i);
            List<JobRequest> kids = new ArrayList<>();
            for (int i = 0; i < p.path("children").asInt(0); i++) kids.add(JobRequest.of("noop"));
            if (!kids.isEmpty()) ctx.spawn(kids);
            return Map.of("ok", true);
        }
    };

    static final JobHandler TICKER = new JobHandler() {
        @Override
        public String type() {
            return "ticker";
        }

        @Override
        public Object run(JobContext ctx) throws InterruptedException {
            long n = ctx.payload().path("n").asLong();
            long total = ctx.payload().path("total").asLong();
            for (long i = 1; i <= n; i++) ctx.progress(i, total, "tick " + i);
            long hold = ctx.payload().path("hold_ms").asLong(0);
            if (hold > 0) Thread.sleep(hold);
            return null;
        }
    };

    static OrdoServer start(ServerOptions options) {
        options.storeUrl(options.storeUrl() == null ? "memory:" : options.storeUrl()).port(0).concurrency(4)
                .shutdownGrace(Duration.ofMillis(500));
        return OrdoServer.create(options.resolve(Map.of()), c -> c.handler(CHATTY).handler(TICKER)).start();
    }

    static OrdoServer start() {
        return start(new ServerOptions());
    }

    /** Submits a job over HTTP and returns its id. */
    static String submit(Http http, String body) {
        Http.Response r = http.post("/api/jobs", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        return r.json().path("job_id").asText();
    }
}
