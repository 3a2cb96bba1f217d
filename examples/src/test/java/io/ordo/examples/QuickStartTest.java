package io.ordo.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The example must keep running as the API evolves. */
class QuickStartTest {
    @Test
    void runsToTheEnd(@TempDir Path dir) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true));
        try {
            QuickStart.main(new String[]{dir.resolve("qs.db").toString()});
        } finally {
            System.setOut(old);
        }
        String text = out.toString();
        assertThat(text).contains("refused: send-welcome: payload field 'email'");
        assertThat(text).contains("welcome-batch").contains("completed");
        assertThat(text.lines().filter(l -> l.startsWith("  child ")).count()).isEqualTo(2);
        assertThat(text).contains("COMPLETED=5");
    }
}
