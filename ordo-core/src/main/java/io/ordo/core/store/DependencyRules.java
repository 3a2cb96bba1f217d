package io.ordo.core.store;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.model.Dependency;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The decisions every store makes the same way about dependencies (memory, SQLite, PostgreSQL). */
public final class DependencyRules {
    private DependencyRules() {
    }

    /** What a dependant comes to: {@code to} null while it must keep waiting. */
    public record Verdict(JobStatus to, String error) {
        static final Verdict WAIT = new Verdict(null, null);
    }

    /**
     * Skipped as soon as one dependency ended without completing (unless {@code runOnFailure});
     * pending once none is live; else it keeps waiting.
     */
    public static Verdict decide(List<Dependency> deps, boolean runOnFailure) {
        if (!runOnFailure) {
            for (Dependency d : deps) {
                if (d.failed()) return new Verdict(JobStatus.SKIPPED, "dependency " + d.id() + " " + d.status().wireName());
            }
        }
        for (Dependency d : deps) if (!d.done()) return Verdict.WAIT;
        return new Verdict(JobStatus.PENDING, null);
    }

    /** The field an error about the dependencies of batch item {@code index} names. */
    public static String field(int index, int batchSize) {
        return batchSize == 1 ? "depends_on" : "jobs[" + index + "].depends_on";
    }

    /**
     * Refuses a dependency that is neither in the batch nor stored ({@code stored}: those of the
     * asked ids that exist).
     */
    public static void checkKnown(List<NewJob> jobs, List<DependsOn> deps, Set<UUID> batch, Collection<UUID> stored) {
        for (DependsOn d : deps) {
            for (UUID on : d.on()) {
                if (batch.contains(on) || stored.contains(on)) continue;
                int index = 0;
                while (index < jobs.size() && !jobs.get(index).id().equals(d.jobId())) index++;
                throw new InvalidRequestException(field(index, jobs.size()) + ": no job " + on
                        + " (a dependency must exist when the dependant is submitted)");
            }
        }
    }
}
