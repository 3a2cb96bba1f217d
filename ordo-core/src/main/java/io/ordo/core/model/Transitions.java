package io.ordo.core.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static io.ordo.core.model.JobStatus.*;

/**
 * The one transition function of Ordo (DESIGN.md §2.4). The in-memory store calls {@link #check}
 * on every status write; the SQL stores derive every {@code WHERE status IN (...)} guard of a
 * status-changing statement from {@link #sourcesOf}, so no store can write an illegal move.
 */
public final class Transitions {
    private static final Map<JobStatus, Set<JobStatus>> LEGAL = new EnumMap<>(JobStatus.class);

    static {
        LEGAL.put(SCHEDULED, EnumSet.of(PENDING, CANCELLED));
        LEGAL.put(PENDING, EnumSet.of(RUNNING, CANCELLED));
        // running -> pending: lease expired or handed back at shutdown; -> scheduled: retry after backoff
        LEGAL.put(RUNNING, EnumSet.of(COMPLETED, FAILED, CANCELLED, PENDING, SCHEDULED, WAITING));
        // waiting -> pending: a parent continuing after its children, or a job waiting on its dependencies released;
        // waiting -> skipped: a dependency failed
        LEGAL.put(WAITING, EnumSet.of(COMPLETED, FAILED, CANCELLED, PENDING, SKIPPED));
        LEGAL.put(COMPLETED, EnumSet.noneOf(JobStatus.class));
        // restart from the dead-letter view (failed) or after a cancel
        LEGAL.put(FAILED, EnumSet.of(PENDING));
        LEGAL.put(CANCELLED, EnumSet.of(PENDING));
        // skipped jobs (a step or a job whose dependency failed) never move
        LEGAL.put(SKIPPED, EnumSet.noneOf(JobStatus.class));
    }

    private Transitions() {
    }

    public static boolean isLegal(JobStatus from, JobStatus to) {
        return LEGAL.get(from).contains(to);
    }

    /** Throws {@link IllegalTransitionException} unless {@code from -> to} is legal. */
    public static void check(String jobId, JobStatus from, JobStatus to) {
        if (!isLegal(from, to)) throw new IllegalTransitionException(jobId, from, to);
    }

    /** The states from which {@code to} may be entered. */
    public static Set<JobStatus> sourcesOf(JobStatus to) {
        EnumSet<JobStatus> out = EnumSet.noneOf(JobStatus.class);
        LEGAL.forEach((from, tos) -> {
            if (tos.contains(to)) out.add(from);
        });
        return Collections.unmodifiableSet(out);
    }

    /** {@link #sourcesOf} restricted to {@code within}: the guard of an operation that only acts on some states. */
    public static Set<JobStatus> sourcesOf(JobStatus to, Set<JobStatus> within) {
        EnumSet<JobStatus> out = EnumSet.noneOf(JobStatus.class);
        for (JobStatus s : sourcesOf(to)) if (within.contains(s)) out.add(s);
        if (out.isEmpty()) throw new IllegalStateException("no legal source in " + within + " for " + to);
        return out;
    }
}
