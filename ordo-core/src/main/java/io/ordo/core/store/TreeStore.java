package io.ordo.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Parents and children: the counters of a tree or scope, the end of a waiting parent, and the
 * result cache.
 */
public interface TreeStore {

    /** Direct children of a job by status (maintained counters). */
    Map<JobStatus, Long> childCounts(UUID parentId);

    /** Jobs in a scope, the scope job excluded, by status (maintained counters). */
    Map<JobStatus, Long> scopeCounts(UUID scopeId);

    /** Every descendant of a root job by status (one indexed query over the tree). */
    Map<JobStatus, Long> treeCounts(UUID rootId);

    /**
     * Ends a waiting job: to {@code to} (completed, failed or cancelled), with {@code error} (may
     * be null) and {@code metaPatch} merged into its meta (may be null). Only acts on a waiting job;
     * false otherwise (another node finished it first).
     */
    boolean finishWaiting(UUID id, JobStatus to, String error, JsonNode metaPatch, Instant now);

    /** Sets the progress of a job that is not terminal (a parent's, kept by the monitor). */
    boolean setProgress(UUID id, long current, long total, String text, Instant now);

    /** The newest completed job with this cache key whose result is still valid at {@code now}. */
    Optional<Job> findCached(String cacheKey, Instant now);

    /**
     * Sends a waiting parent that asked to continue after its children back to pending, to run its
     * handler again: its meta gets {@code continuation} = {@code continuation} and
     * {@code continue_after_children} = false, and its max_attempts one more (the continuation is a
     * new run, not a retry). Only acts on a waiting job; false otherwise (another node moved it first).
     */
    boolean resumeWaiting(UUID id, int continuation, Instant now);
}
