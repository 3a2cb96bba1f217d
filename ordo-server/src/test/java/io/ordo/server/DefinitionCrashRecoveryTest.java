package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A definition run survives kill -9 of its server: after a restart on the same store it goes on
 * from where it was — no step runs twice to completion, no crawled page is lost or stored twice.
 */
class DefinitionCrashRecoveryTest {
    private static final int PAGES = 20;
    private final List<ServerProcess> processes = new ArrayList<>();
    private HttpServer site;

    @AfterEach
    void stop() {
        processes.forEach(ServerProcess::close);
        if (site != null) site.stop(0);
    }

    /** Pages /p/0 .. /p/19, each linking to the next two (and back to 0), each taking 150 ms. */
    private int startSite() throws Exception {
        site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        site.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            int n = path.startsWith("/p/") ? Integer.parseInt(path.substring(3)) : 0;
            try {
                Thread.sleep(150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            StringBuilder html = new StringBuilder("<html><head><title>page " + n + "</title></head><body><p>page " + n + "</p>");
            for (int k = n + 1; k <= n + 2 && k < PAGES; k++) html.append("<a href=\"/p/").append(k).append("\">next</a> ");
            html.append("<a href=\"/p/0\">home</a></body></html>");
            byte[] body = html.toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        site.start();
        return site.getAddress().getPort();
    }

    @Test
    void aRunKilledMidWayFinishesAfterARestart(@TempDir Path dir) throws Exception {
        int sitePort = startSite();
        Path defs = Files.createDirectories(dir.resolve("defs"));
        Files.writeString(defs.resolve("crash-run.yaml"), """
                id: crash-run
                name: killed in the middle
                config: { site: "http://127.0.0.1:%d" }
                steps:
                  - name: first
                    action: sleep
                    config: { ms: 200 }
                  - name: long
                    action: sleep
                    depends: [first]
                    config: { ms: 4000 }
                  - name: crawl
                    action: crawl
                    depends: [first]
                    config: { start_urls: ["{site}/p/0"], max_pages: 50, max_depth: 25, concurrency: 2 }
                  - name: last
                    action: noop
                    depends: [long, crawl]
                """.formatted(sitePort));
        String store = "jdbc:sqlite:" + dir.resolve("ordo.db");
        ServerProcess first = track(new ServerProcess(store, "--definitions", defs.toString())).start();
        String runId = first.post("/api/jobs/definitions/crash-run/execute", "{}", 202).path("job_id").asText();
        // kill while the long step runs and the crawl is part way
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode tree = first.get("/api/jobs/" + runId).path("tree");
            return tree.path("running").asInt() >= 2 && tree.path("completed").asInt() >= 4;
        });
        first.kill();

        ServerProcess second = track(new ServerProcess(store, "--definitions", defs.toString())).start();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .until(() -> ServerProcess.terminal(second.get("/api/jobs/" + runId)));
        JsonNode run = second.get("/api/jobs/" + runId);
        assertThat(run.path("status").asText()).as(run.toString()).isEqualTo("completed");

        Map<String, Integer> completedPerStep = new HashMap<>();
        boolean takenOver = false;
        for (JsonNode step : second.get("/api/jobs/" + runId + "/children?limit=100").path("jobs")) {
            if (step.path("status").asText().equals("completed")) completedPerStep.merge(step.path("step").asText(), 1, Integer::sum);
            for (JsonNode e : step.path("errors")) takenOver |= e.path("reason").asText().equals("lease_expired");
        }
        assertThat(completedPerStep).as("each step completed exactly once")
                .containsExactlyInAnyOrderEntriesOf(Map.of("first", 1, "long", 1, "crawl", 1, "last", 1));
        assertThat(takenOver).as("the long step was interrupted by the kill and taken over").isTrue();
        JsonNode tree = run.path("tree");
        assertThat(tree.path("completed").asInt()).as("4 steps and every page once: " + tree).isEqualTo(4 + PAGES);
        assertThat(tree.path("total").asInt()).isEqualTo(4 + PAGES);
    }

    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }
}
