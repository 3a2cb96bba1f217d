package io.ordo.core.model;

import io.ordo.core.InvalidRequestException;

import java.util.Locale;

/**
 * How a parent ends once its children are done, and limits on what it (as a scope) may spawn.
 *
 * <p>Without a policy a parent fails when any child failed. With {@code maxChildFailures = m}:
 * fewer than m failed children are ignored; at m, {@code action} decides — {@link Action#STOP_ALL}
 * cancels the remaining children at once and fails the parent, {@link Action#MARK_WARNING}
 * completes it with a warning, {@link Action#CONTINUE} completes it.
 *
 * @param maxChildren a scope job's cap on descendants created in its scope (null: no cap)
 * @param maxDepth    a scope job's cap on how deep below it descendants may be spawned (null: no cap)
 */
public record ChildPolicy(Integer maxChildFailures, Action action, Integer maxChildren, Integer maxDepth) {
    public enum Action {
        STOP_ALL, CONTINUE, MARK_WARNING;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Action fromWire(String s) {
            for (Action a : values()) if (a.wireName().equals(s)) return a;
            throw new InvalidRequestException("error_tolerance.action: '" + s + "' is not one of stop_all, continue, mark_warning");
        }
    }

    public ChildPolicy {
        if (maxChildFailures != null && maxChildFailures < 1) throw new InvalidRequestException("max_child_failures must be >= 1");
        if (maxChildren != null && maxChildren < 0) throw new InvalidRequestException("max_children must be >= 0");
        if (maxDepth != null && maxDepth < 0) throw new InvalidRequestException("max_depth must be >= 0");
        if (maxChildFailures != null && action == null) action = Action.STOP_ALL;
    }

    public static ChildPolicy tolerance(int maxChildFailures, Action action) {
        return new ChildPolicy(maxChildFailures, action, null, null);
    }

    public static ChildPolicy limits(Integer maxChildren, Integer maxDepth) {
        return new ChildPolicy(null, null, maxChildren, maxDepth);
    }

    public ChildPolicy withLimits(Integer maxChildren, Integer maxDepth) {
        return new ChildPolicy(maxChildFailures, action, maxChildren, maxDepth);
    }
}
