package io.ordo.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StoreUrlsTest {

    @Test
    void describesWithoutCredentials() {
        assertThat(StoreUrls.describe("jdbc:sqlite:data/ordo.db")).isEqualTo("sqlite data/ordo.db");
        assertThat(StoreUrls.describe("jdbc:sqlite:/tmp/x.db?journal_mode=WAL")).isEqualTo("sqlite /tmp/x.db");
        assertThat(StoreUrls.describe("memory:")).isEqualTo("memory");
        assertThat(StoreUrls.describe("jdbc:postgresql://db:5432/ordo?user=u&password=secret")).isEqualTo("postgresql db:5432/ordo");
        assertThat(StoreUrls.describe("jdbc:postgresql://u:secret@db/ordo")).isEqualTo("postgresql db/ordo");
    }

    @Test
    void sqliteFilesOnlyForFileUrls() {
        assertThat(StoreUrls.sqliteFile("jdbc:sqlite:file:a/b.db")).contains(Path.of("a/b.db"));
        assertThat(StoreUrls.sqliteFile("jdbc:sqlite::memory:")).isEmpty();
        assertThat(StoreUrls.sqliteFile("jdbc:postgresql://db/ordo")).isEmpty();
    }

    @Test
    void prepareCreatesTheDataDirectory(@TempDir Path tmp) {
        Path db = tmp.resolve("nested/data/ordo.db");
        StoreUrls.prepare("jdbc:sqlite:" + db);
        assertThat(Files.isDirectory(db.getParent())).isTrue();
        assertThat(Files.exists(db)).isFalse();
    }
}
