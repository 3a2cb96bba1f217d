package io.ordo.core.ops;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.limits.Limit;
import io.ordo.core.limits.Rate;

/**
 * A change to a queue's or type's stored limits: each field is left as it is, set, or cleared.
 * Values are checked when the update is built, so a bad one changes nothing.
 */
public record LimitUpdate(Field<Integer> capacity, Field<Integer> maxRunning, Field<Rate> rate) {
    /** One field's change: {@code unchanged} leaves it, otherwise it becomes {@code value} (null clears it). */
    public record Field<T>(boolean unchanged, T value) {
        public static <T> Field<T> keep() {
            return new Field<>(true, null);
        }

        public static <T> Field<T> set(T value) {
            return new Field<>(false, value);
        }

        public static <T> Field<T> clear() {
            return new Field<>(false, null);
        }

        T applyTo(T current) {
            return unchanged ? current : value;
        }
    }

    public LimitUpdate {
        check("capacity", capacity);
        check("max_running", maxRunning);
    }

    private static void check(String name, Field<Integer> f) {
        if (!f.unchanged() && f.value() != null && f.value() < 1) {
            throw new InvalidRequestException(name + " must be at least 1 (got " + f.value() + "); to remove it, clear it");
        }
    }

    /** Leaves everything as it is. */
    public static LimitUpdate none() {
        return new LimitUpdate(Field.keep(), Field.keep(), Field.keep());
    }

    /** Clears every limit. */
    public static LimitUpdate clearAll() {
        return new LimitUpdate(Field.clear(), Field.clear(), Field.clear());
    }

    /** {@code current} (null: none stored) with this update applied. */
    Limit applyTo(Limit current, io.ordo.core.limits.LimitScope scope, String name) {
        Integer cap = capacity.applyTo(current == null ? null : current.capacity());
        Integer max = maxRunning.applyTo(current == null ? null : current.maxRunning());
        Rate r = rate.applyTo(current == null ? null : current.rate());
        return Limit.of(scope, name, cap, max, r);
    }
}
