package io.ordo.server.cli;

import io.ordo.server.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code ordo server} as a real process: ready line on stdout, and SIGTERM shuts it down gracefully. */
@DisabledOnOs(OS.WINDOWS) // destroy() is not a SIGTERM there
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServerProcessTest {

    @Test
    void sigtermHandsRunningJobsBackAndExits() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path stderr = Files.createTempFile("ordo-server", ".err");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "server", "--store", "memory:", "--port", "0", "--shutdown-grace", "300ms")
                .redirectError(stderr.toFile())
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            // read with a deadline: a blocked readLine cannot be interrupted, and the finally must run
            String ready = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            assertThat(ready).as("first stdout line; stderr: %s", Files.readString(stderr)).isNotNull();
            Matcher m = ServerCommandTest.READY.matcher(ready);
            assertThat(m.matches()).as(ready).isTrue();

            String id;
            try (Http http = new Http(m.group(1))) {
                id = http.post("/api/jobs", "{\"type\": \"sleep\", \"payload\": {\"ms\": 60000}}").json().path("job_id").asText();
                await().atMost(Duration.ofSeconds(10)).until(() -> http.get("/api/jobs/" + id).json().path("status").asText().equals("running"));
            }

            p.destroy(); // SIGTERM

            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String log = Files.readString(stderr);
            assertThat(log).contains("job " + id + " still running at shutdown: handed back to pending");
            assertThat(p.exitValue()).as("128 + SIGTERM").isEqualTo(143);
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(stderr);
        }
    }
}
