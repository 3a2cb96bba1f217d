package io.ordo.core.definition;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link Definitions#loadDirectory} did: the files applied (created, updated or unchanged) and
 * the files skipped with their problems. Skipped files stored nothing.
 */
public record LoadReport(Path directory, List<Loaded> loaded, List<Rejected> rejected) {
    public LoadReport {
        loaded = List.copyOf(loaded);
        rejected = List.copyOf(rejected);
    }

    /** A file whose definition was applied. */
    public record Loaded(String file, ApplyResult result) {
    }

    /** A file that was skipped, and why. */
    public record Rejected(String file, List<Problem> problems) {
        public Rejected {
            problems = List.copyOf(problems);
        }
    }

    public long count(ApplyResult.Change change) {
        return loaded.stream().filter(l -> l.result().change() == change).count();
    }

    /** One line, e.g. {@code 3 job definitions from job-definitions (1 created, 0 updated, 2 unchanged); 1 file skipped: bad.yaml}. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(loaded.size()).append(loaded.size() == 1 ? " job definition" : " job definitions").append(" from ").append(directory)
                .append(" (").append(count(ApplyResult.Change.CREATED)).append(" created, ")
                .append(count(ApplyResult.Change.UPDATED)).append(" updated, ")
                .append(count(ApplyResult.Change.UNCHANGED)).append(" unchanged)");
        if (!rejected.isEmpty()) {
            b.append("; ").append(rejected.size()).append(rejected.size() == 1 ? " file" : " files").append(" skipped as invalid: ")
                    .append(String.join(", ", rejected.stream().map(Rejected::file).toList()));
        }
        return b.toString();
    }
}
