package io.ordo.core.store;

import io.ordo.core.model.Dependency;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Jobs that wait for other jobs ({@code depends_on}). A dependant is inserted {@code waiting}, with
 * one row per dependency; it is released (to pending) once all of them completed, or skipped once one
 * failed, was cancelled or skipped (unless it runs on failure). Its rows are dropped when it leaves
 * {@code waiting}, so the rows left are exactly the jobs still waiting on something.
 */
public interface DependencyStore {

    /**
     * {@link RunStore#insert} plus the dependencies of some of the jobs, in one transaction. Every
     * dependency must be a job of the batch or a stored job; otherwise an
     * {@link io.ordo.core.InvalidRequestException} naming the field is thrown and nothing is written.
     * A dependency on a batch job that resolved to an existing job (unique key) points at that job.
     * {@code deps} come in an order where a job's batch dependencies precede it; each created
     * dependant is evaluated ({@link #release}) in that order before commit, so one whose
     * dependencies already ended starts pending or skipped.
     */
    List<SubmitResult> insert(List<NewJob> jobs, InsertOptions options, List<DependsOn> deps);

    /** The jobs waiting on any of {@code jobIds} (indexed by dependency), each once. */
    List<UUID> dependants(java.util.Collection<UUID> jobIds);

    /**
     * Evaluates a dependant atomically: if one dependency failed, was cancelled or skipped (and it
     * does not run on failure) it goes waiting → skipped naming that dependency; else if none is
     * live (a missing one counts as completed) waiting → pending. Either way its rows are dropped.
     * Safe to call from many nodes at once: only one call moves the job.
     *
     * @return what the call did; {@link Release#job()} empty when the job is gone
     */
    Release release(UUID jobId, Instant now);

    /** Ids of jobs still waiting on dependencies, in id order after {@code after} (null: from the start). */
    List<UUID> waitingOnDependencies(UUID after, int limit);

    /** What {@code jobId} waits for, as they are now; empty once it was released or skipped. */
    List<Dependency> dependencies(UUID jobId);

    /**
     * The result of one evaluation.
     *
     * @param moved  the status the call moved the job to (pending or skipped), or null when it did not move it
     *               (still waiting, or no longer waiting on dependencies)
     */
    record Release(JobStatus moved, Optional<Job> job) {
        public static final Release NONE = new Release(null, Optional.empty());
    }
}
