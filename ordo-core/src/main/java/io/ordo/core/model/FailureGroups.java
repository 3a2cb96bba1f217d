package io.ordo.core.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Groups failed jobs by type and last error, in the order {@code JobStore.failureGroups} promises:
 * feed it failed jobs newest first with {@link #add}, then read {@link #groups}.
 */
public final class FailureGroups {
    /** Biggest first; among equals the most recently failed first, then by type and error for a stable order. */
    public static final Comparator<FailureGroup> ORDER = Comparator.comparingLong(FailureGroup::count).reversed()
            .thenComparing(FailureGroup::lastFailedAt, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(FailureGroup::type)
            .thenComparing(FailureGroup::error, Comparator.nullsFirst(Comparator.naturalOrder()));

    private record Key(String type, String error) {
    }

    private final Map<Key, FailureGroup> groups = new LinkedHashMap<>();

    /** One failed job; jobs come newest first, so the first of a group is its newest. */
    public void add(UUID id, String type, String error, Instant finishedAt) {
        groups.merge(new Key(type, error), new FailureGroup(type, error, 1, finishedAt, finishedAt, id), (a, b) -> new FailureGroup(
                a.type(), a.error(), a.count() + 1, min(a.firstFailedAt(), finishedAt), max(a.lastFailedAt(), finishedAt), a.newestJobId()));
    }

    /** At most {@code limit} groups, in {@link #ORDER}. */
    public List<FailureGroup> groups(int limit) {
        List<FailureGroup> out = new ArrayList<>(groups.values());
        out.sort(ORDER);
        return out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
