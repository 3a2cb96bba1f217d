package io.ordo.core.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The states of a job (DESIGN.md §3). Which moves between them are legal is decided in one place,
 * {@link Transitions}; stores build their SQL guards from it.
 */
public enum JobStatus {
    /** Waiting for its {@code run_at}; promoted to {@link #PENDING} when due. */
    SCHEDULED,
    /** Ready to be claimed by a worker. */
    PENDING,
    /** Claimed by a worker that holds its lease. */
    RUNNING,
    /**
     * Its handler finished but children it spawned are still live; or, never started, it waits for
     * the jobs it depends on ({@code depends_on}) to end.
     */
    WAITING,
    COMPLETED,
    FAILED,
    CANCELLED,
    /** Never ran: a step of a job definition, or a job with {@code depends_on}, whose dependency failed. */
    SKIPPED;

    private static final Set<JobStatus> TERMINAL = EnumSet.of(COMPLETED, FAILED, CANCELLED, SKIPPED);

    public boolean isTerminal() {
        return TERMINAL.contains(this);
    }

    /** The lower-case name used in JSON, SQL and the CLI. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus fromWire(String s) {
        if (s == null) throw new IllegalArgumentException("status is required");
        for (JobStatus st : values()) {
            if (st.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) return st;
        }
        throw new IllegalArgumentException("unknown status '" + s + "' (expected one of "
                + java.util.Arrays.stream(values()).map(JobStatus::wireName).toList() + ")");
    }

    public static Set<JobStatus> terminal() {
        return EnumSet.copyOf(TERMINAL);
    }

    public static Set<JobStatus> live() {
        return EnumSet.complementOf(EnumSet.copyOf(TERMINAL));
    }
}
