package io.ordo.core.schedule;

import io.ordo.core.InvalidRequestException;

import java.util.Locale;

/** What a schedule does with ticks that fell while no node was ticking (every node down). */
public enum MissedPolicy {
    /** The newest missed tick runs once when ticking resumes. */
    RUN_ONCE,
    /** Missed ticks are dropped; the next tick to come is the next run. */
    SKIP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "run_once" (the default, also for null) or "skip". */
    public static MissedPolicy parse(String s) {
        if (s == null || s.isBlank()) return RUN_ONCE;
        for (MissedPolicy p : values()) if (p.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) return p;
        throw new InvalidRequestException("missed: '" + s + "' is not a policy (run_once or skip)");
    }
}
