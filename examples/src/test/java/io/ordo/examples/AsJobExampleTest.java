package io.ordo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The @AsJob example runs to the end: proxy, returnJobId, an enforced timeout, and the HTTP endpoint. */
class AsJobExampleTest {
    @Test
    void runsToTheEnd(@TempDir Path dir) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            AsJobExample.main(new String[]{dir.resolve("asjob.db").toString(), "0"});
        } finally {
            System.setOut(old);
        }
        String text = out.toString();
        assertThat(text).contains("summary: Summary[title=Ordo, words=9, firstSentence=Durable jobs for the JVM.]");
        assertThat(text).containsPattern("index job [0-9a-f-]{36} completed, progress 3/3 \\(indexed c\\)");
        assertThat(text).contains("translate failed: reason timeout, error 'timed out after 500ms'");
        assertThat(text).containsPattern("POST /api/documents/summarize -> 202 \\{\"success\":true,\"job_id\":\"[0-9a-f-]{36}\",\"status\":\"enqueued\"");
        assertThat(text).containsPattern("GET /api/documents/summarize\\?job_id=[0-9a-f-]{36} -> \\{\"job_id\":\"[0-9a-f-]{36}\",\"status\":\"completed\"");
        assertThat(text).contains("\"result\":{\"title\":\"HTTP\",\"words\":6,\"firstSentence\":\"Posted over HTTP.\"}");
    }
}
