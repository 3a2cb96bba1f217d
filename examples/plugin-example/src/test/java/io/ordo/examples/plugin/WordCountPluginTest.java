package io.ordo.examples.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example plugin as a user deploys it: its classes and service files in a jar in a plugins
 * directory (the jar is packed here from target/classes, since tests run before {@code package}),
 * an {@code ordo server} and an {@code ordo worker} started with {@code --plugins} on one SQLite
 * file, and neither has the plugin on its classpath.
 */
class WordCountPluginTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void aWorkerLoadsThePluginAndCountsWords() throws Exception {
        Path plugins = Files.createDirectories(tmp.resolve("plugins"));
        Path classes = Path.of(WordCountHandler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        jar(classes, plugins.resolve("ordo-example-plugin.jar"));
        String store = "jdbc:sqlite:" + tmp.resolve("ordo.db");
        int port = freePort();

        List<String> server = start(classes, "Ordo ready at", "server", "--store", store, "--port", String.valueOf(port), "--plugins", plugins.toString());
        assertThat(String.join("\n", server)).contains("plugins: handlers example.word-count; actions example.count-words");
        // only the worker serves queue 'text'
        List<String> worker = start(classes, "Ordo worker", "worker", "--store", store, "--node-id", "words-worker",
                "--queue", "text=2", "--plugins", plugins.toString());
        assertThat(String.join("\n", worker)).contains("plugins: handlers example.word-count; actions example.count-words");

        String api = "http://127.0.0.1:" + port;
        JsonNode submitted = post(api + "/api/jobs", """
                {"type": "example.word-count", "queue": "text", "payload": {"text": "The job runs, the job completes, and the job is kept.", "top": 2}}
                """, 202);
        String id = submitted.path("job_id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> List.of("completed", "failed").contains(get(api + "/api/jobs/" + id).path("status").asText()));
        JsonNode job = get(api + "/api/jobs/" + id);
        assertThat(job.path("status").asText()).as(job.toString()).isEqualTo("completed");
        assertThat(job.path("lease_owner").asText()).isEqualTo("words-worker");
        JsonNode result = job.path("result");
        assertThat(result.path("words").asInt()).isEqualTo(11);
        assertThat(result.path("distinct").asInt()).isEqualTo(7);
        // stop words (the, and, is) left out; ties by word
        assertThat(result.path("top").toString()).isEqualTo("[{\"word\":\"job\",\"count\":3},{\"word\":\"completes\",\"count\":1}]");

        // the plugin validates payloads at submit time on the server
        assertThat(post(api + "/api/jobs", "{\"type\": \"example.word-count\", \"payload\": {}}", 400).toString()).contains("'text' must be a string");

        // the step action in a job definition
        post(api + "/api/jobs/definitions", """
                {"file": "count.yaml", "source": "id: count\\nsteps:\\n  - name: count\\n    action: example.count-words\\n    config: { text: 'one two two', top: 1 }\\n"}
                """, 201);
        String run = post(api + "/api/jobs/definitions/count/execute", "{}", 202).path("job_id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> List.of("completed", "failed").contains(get(api + "/api/jobs/" + run).path("status").asText()));
        assertThat(get(api + "/api/jobs/" + run).path("status").asText()).isEqualTo("completed");
        JsonNode steps = get(api + "/api/jobs/" + run + "/tree").path("jobs");
        assertThat(steps.toString()).contains("{\"words\":3,\"distinct\":2,\"top\":[{\"word\":\"two\",\"count\":2}]}");
    }

    /** Starts {@code ordo ARGS} without the plugin's classes on the classpath; returns its output up to the ready line. */
    private List<String> start(Path pluginClasses, String readyMarker, String... args) throws Exception {
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).toAbsolutePath().equals(pluginClasses.toAbsolutePath()))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classpath).doesNotContain(pluginClasses.toString());
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", classpath, "io.ordo.server.cli.Main"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (line.contains(readyMarker)) ready.complete(null);
                }
            } catch (IOException ignored) {
                // the process was stopped
            }
            ready.completeExceptionally(new IllegalStateException("exited before it was ready:\n" + String.join("\n", lines)));
        });
        ready.get(60, TimeUnit.SECONDS);
        return lines;
    }

    /** A jar of {@code classes} (compiled classes and META-INF/services), as {@code mvn package} builds it. */
    private static void jar(Path classes, Path jar) throws Exception {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out); Stream<Path> all = Files.walk(classes)) {
            for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                jos.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                jos.write(Files.readAllBytes(f));
                jos.closeEntry();
            }
        }
    }

    private static JsonNode get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.parse(r.body());
    }

    private static JsonNode post(String url, String body, int expected) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(expected);
        return Json.parse(r.body());
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
