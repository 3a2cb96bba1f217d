package io.ordo.store.jdbc;

import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Transitions;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code WHERE status ...} guards of status-changing statements, derived from
 * {@link Transitions#sourcesOf} so that no statement can write a move the state machine forbids.
 */
final class Guards {
    private Guards() {
    }

    /** {@code column} is a state from which {@code to} may be entered. */
    static String into(String column, JobStatus to) {
        return in(column, Transitions.sourcesOf(to));
    }

    /** {@code column} is one of {@code within} from which {@code to} may be entered (fails if there is none). */
    static String into(String column, JobStatus to, JobStatus first, JobStatus... rest) {
        return in(column, Transitions.sourcesOf(to, EnumSet.of(first, rest)));
    }

    /** States from which every one of {@code targets} may be entered, restricted to {@code within}. */
    static String intoAll(String column, Set<JobStatus> within, JobStatus... targets) {
        EnumSet<JobStatus> ok = EnumSet.copyOf(within);
        for (JobStatus t : targets) ok.retainAll(Transitions.sourcesOf(t));
        if (ok.isEmpty()) throw new IllegalStateException("no state in " + within + " may move to all of " + Set.of(targets));
        return in(column, ok);
    }

    /**
     * {@code column = 'x'} for one state (so it matches partial-index predicates written with '='),
     * else {@code column IN (...)} in enum order (stable statement text).
     */
    static String in(String column, Set<JobStatus> states) {
        if (states.isEmpty()) throw new IllegalArgumentException("empty state set");
        if (states.size() == 1) return column + " = " + literal(states.iterator().next());
        return column + " IN (" + EnumSet.copyOf(states).stream().map(Guards::literal).collect(Collectors.joining(", ")) + ")";
    }

    static String literal(JobStatus s) {
        return "'" + s.wireName() + "'";
    }
}
