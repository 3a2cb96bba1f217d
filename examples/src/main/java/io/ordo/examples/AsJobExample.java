package io.ordo.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.asjob.AsJob;
import io.ordo.core.asjob.AsJobs;
import io.ordo.core.asjob.JobFailedException;
import io.ordo.core.asjob.JobHandle;
import io.ordo.core.util.Json;
import io.ordo.server.asjob.AsyncEndpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * {@code @AsJob}: the methods of a service interface run as durable background jobs. An embedded
 * node on SQLite runs them; the application calls them through a proxy (enqueue, get a handle,
 * await the typed result) and exposes one as an asynchronous HTTP endpoint (202 + status_url).
 *
 * <pre>
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.ordo.examples.AsJobExample
 * ./mvnw -q -pl examples -am compile exec:java -Dexec.mainClass=io.ordo.examples.AsJobExample -Dexec.args="data/asjob.db 7070 --serve"
 * </pre>
 *
 * Arguments: the SQLite file (default {@code data/asjob-example.db}), the HTTP port (default 7070;
 * 0 picks a free one) and {@code --serve} to keep serving the endpoint until Ctrl-C.
 */
public final class AsJobExample {

    public record Document(String title, String text) {
    }

    public record Summary(String title, int words, String firstSentence) {
    }

    /** The service; each {@code @AsJob} method becomes a job type ({@code DocumentService.summarize}, ...). */
    public interface DocumentService {
        /** Enqueued on queue "documents"; an attempt may take 30 s; the result is kept for an hour. */
        @AsJob(queue = "documents", timeout = "30s", resultTtl = "1h")
        JobHandle<Summary> summarize(Document doc);

        /** Returns the job id at once; the number of documents indexed is the job's result. */
        @AsJob(queue = "documents", returnJobId = true, timeout = "2m")
        UUID index(List<Document> docs);

        /** Too slow for its timeout: the call is interrupted and the job fails with reason "timeout". */
        @AsJob(timeout = "500ms", maxAttempts = 1)
        JobHandle<String> translate(String text, String language);
    }

    /** The real implementation, run by the node's workers. */
    static final class DefaultDocumentService implements DocumentService {
        @Override
        public JobHandle<Summary> summarize(Document doc) {
            String text = doc.text().trim();
            int words = text.isEmpty() ? 0 : text.split("\\s+").length;
            int dot = text.indexOf('.');
            return JobHandle.completed(new Summary(doc.title(), words, dot < 0 ? text : text.substring(0, dot + 1)));
        }

        @Override
        public UUID index(List<Document> docs) {
            for (int i = 0; i < docs.size(); i++) {
                // progress and log lines go to the job through its context
                AsJobs.context().progress(i + 1, docs.size(), "indexed " + docs.get(i).title());
            }
            AsJobs.context().info("indexed " + docs.size() + " documents");
            return null; // the id-returning call's own result: nothing to add
        }

        @Override
        public JobHandle<String> translate(String text, String language) {
            try {
                Thread.sleep(Duration.ofMinutes(1)); // a slow remote call
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("translation interrupted", e);
            }
            return JobHandle.completed(text);
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = Arrays.stream(args).filter(a -> !a.equals("--serve")).toList();
        boolean serve = args.length != rest.size();
        Path db = Path.of(rest.size() > 0 ? rest.get(0) : "data/asjob-example.db").toAbsolutePath();
        int port = rest.size() > 1 ? Integer.parseInt(rest.get(1)) : 7070;
        Files.createDirectories(db.getParent());

        OrdoConfig config = OrdoConfig.defaults().storeUrl("jdbc:sqlite:" + db).queue("default", 4).queue("documents", 2);
        AsJobs.register(config, DocumentService.class, new DefaultDocumentService());
        try (Ordo ordo = Ordo.create(config).start()) {
            DocumentService docs = AsJobs.proxy(ordo, DocumentService.class);

            // 1. a call enqueues and returns a handle at once; await gives the typed result
            JobHandle<Summary> summary = docs.summarize(new Document("Ordo", "Durable jobs for the JVM. Queued, retried, timed out."));
            System.out.println("summarize enqueued as job " + summary.id());
            System.out.println("summary: " + summary.await(Duration.ofSeconds(30)));

            // 2. returnJobId: the id only; progress is on the job, the result can be read later
            UUID indexJob = docs.index(List.of(new Document("a", "x"), new Document("b", "y"), new Document("c", "z")));
            AsJobs.handle(ordo, indexJob, Void.class).await(Duration.ofSeconds(30));
            var indexed = ordo.jobs().require(indexJob);
            System.out.println("index job " + indexJob + " " + indexed.status().wireName() + ", progress "
                    + indexed.progressCurrent() + "/" + indexed.progressTotal() + " (" + indexed.progressText() + ")");

            // 3. the timeout is enforced: the slow call is interrupted, the job fails with reason "timeout"
            try {
                docs.translate("Bonjour", "en").await(Duration.ofSeconds(30));
            } catch (JobFailedException e) {
                System.out.println("translate failed: reason " + e.reason() + ", error '" + e.error() + "'");
            }

            // 4. the same method as an asynchronous HTTP endpoint
            AsyncEndpoint endpoint = AsyncEndpoint.of(ordo, "/api/documents/summarize", DocumentService.class, "summarize");
            Javalin app = Javalin.create(cfg -> {
                cfg.startup.showJavalinBanner = false;
                endpoint.register(cfg);
            }).start("127.0.0.1", port);
            try {
                String base = "http://localhost:" + app.port();
                HttpClient http = HttpClient.newHttpClient();
                String body = "{\"doc\": {\"title\": \"HTTP\", \"text\": \"Posted over HTTP. Answered with 202.\"}}";
                HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(base + endpoint.path()))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.println("POST " + endpoint.path() + " -> " + posted.statusCode() + " " + posted.body());
                String statusUrl = Json.parse(posted.body()).get("status_url").asText();
                JsonNode status = poll(http, base + statusUrl);
                System.out.println("GET " + statusUrl + " -> " + status);

                if (serve) {
                    System.out.println("serving on " + base + " (Ctrl-C to stop); try:");
                    System.out.println("  curl -s -X POST " + base + endpoint.path() + " -H 'Content-Type: application/json' -d '" + body + "'");
                    System.out.println("  curl -s '" + base + endpoint.path() + "?job_id=JOB_ID'");
                    CountDownLatch stop = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                    stop.await();
                }
            } finally {
                app.stop();
            }
        }
    }

    /** Polls the status URL until the job has ended. */
    private static JsonNode poll(HttpClient http, String url) throws Exception {
        for (int i = 0; i < 300; i++) {
            JsonNode status = Json.parse(http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            if (List.of("completed", "failed", "cancelled").contains(status.path("status").asText())) return status;
            Thread.sleep(100);
        }
        throw new IllegalStateException("job behind " + url + " did not end in 30 s");
    }
}
