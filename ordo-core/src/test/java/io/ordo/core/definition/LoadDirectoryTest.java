package io.ordo.core.definition;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Definitions#loadDirectory}: valid files applied, invalid ones skipped with their problems. */
class LoadDirectoryTest {
    @TempDir
    Path dir;

    Ordo ordo;
    Definitions defs;

    @BeforeEach
    void open() {
        ordo = Ordo.create(OrdoConfig.defaults().storeUrl("memory:").workers(false).scheduler(false));
        defs = ordo.definitions();
    }

    @AfterEach
    void close() {
        ordo.close();
    }

    @Test
    void appliesTheValidFileAndSkipsTheInvalidOne() throws IOException {
        Files.writeString(dir.resolve("good.yaml"), "id: good\nsteps:\n  - {name: a, action: noop}\n");
        Files.writeString(dir.resolve("bad.toml"), "id = \"bad\"\n[[steps]]\nname = \"a\"\naction = \"nope\"\n[[steps]]\nname = \"b\"\naction = \"noop\"\ndepends = \"zz\"\n");
        Files.writeString(dir.resolve("notes.txt"), "not a definition");
        Files.createDirectory(dir.resolve("sub.yaml"));

        LoadReport r = defs.loadDirectory(dir);

        assertThat(r.loaded()).extracting(LoadReport.Loaded::file).containsExactly(dir.resolve("good.yaml").toString());
        assertThat(r.loaded().get(0).result().change()).isEqualTo(ApplyResult.Change.CREATED);
        assertThat(r.rejected()).singleElement().satisfies(rej -> {
            assertThat(rej.file()).isEqualTo(dir.resolve("bad.toml").toString());
            assertThat(rej.problems()).extracting(Problem::field).containsExactly("steps[0].action", "steps[1].depends[0]");
        });
        assertThat(defs.list()).extracting(StoredDefinition::id).containsExactly("good");
        assertThat(r.summary()).isEqualTo("1 job definition from " + dir + " (1 created, 0 updated, 0 unchanged); 1 file skipped as invalid: "
                + dir.resolve("bad.toml"));
    }

    @Test
    void loadingAgainChangesNothingAndAnUpdateBumpsTheVersion() throws IOException {
        Files.writeString(dir.resolve("a.yml"), "id: a\nsteps:\n  - {name: s, action: noop}\n");
        defs.loadDirectory(dir);

        LoadReport again = defs.loadDirectory(dir);
        assertThat(again.count(ApplyResult.Change.UNCHANGED)).isEqualTo(1);
        assertThat(defs.require("a").version()).isEqualTo(1);

        Files.writeString(dir.resolve("a.yml"), "id: a\nsteps:\n  - {name: s, action: sleep, config: {ms: 1}}\n");
        LoadReport updated = defs.loadDirectory(dir);
        assertThat(updated.count(ApplyResult.Change.UPDATED)).isEqualTo(1);
        assertThat(defs.require("a").version()).isEqualTo(2);
    }

    @Test
    void aSecondFileWithTheSameIdIsSkipped() throws IOException {
        Files.writeString(dir.resolve("1.yaml"), "id: same\nsteps:\n  - {name: s, action: noop}\n");
        Files.writeString(dir.resolve("2.yaml"), "id: same\nsteps:\n  - {name: t, action: noop}\n");

        LoadReport r = defs.loadDirectory(dir);

        assertThat(r.loaded()).hasSize(1);
        assertThat(r.rejected()).singleElement().satisfies(rej -> assertThat(rej.problems()).extracting(Problem::toString)
                .containsExactly(dir.resolve("2.yaml") + ": id: 'same' is defined by " + dir.resolve("1.yaml") + " already; this file is skipped"));
        assertThat(defs.require("same").source()).contains("name: s");
    }

    @Test
    void unreadableFilesAreSkipped() throws IOException {
        Files.write(dir.resolve("latin1.yaml"), new byte[]{'i', 'd', ':', ' ', (byte) 0xE9});

        LoadReport r = defs.loadDirectory(dir);

        assertThat(r.rejected()).singleElement().satisfies(rej -> assertThat(rej.problems()).extracting(Problem::message)
                .containsExactly("cannot read the file: not UTF-8 text"));
    }

    @Test
    void aMissingDirectoryIsAnError() {
        assertThatThrownBy(() -> defs.loadDirectory(dir.resolve("nope"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("does not exist");
    }
}
