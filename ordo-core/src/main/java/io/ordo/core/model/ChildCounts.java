package io.ordo.core.model;

import java.util.EnumMap;
import java.util.Map;

/** Jobs under a parent (or in a scope, or a tree) by status, read from maintained counters. */
public record ChildCounts(Map<JobStatus, Long> byStatus) {
    public static final ChildCounts NONE = new ChildCounts(Map.of());

    public ChildCounts {
        EnumMap<JobStatus, Long> m = new EnumMap<>(JobStatus.class);
        byStatus.forEach((s, n) -> {
            if (n != null && n != 0) m.put(s, n);
        });
        byStatus = java.util.Collections.unmodifiableMap(m);
    }

    public long get(JobStatus s) {
        return byStatus.getOrDefault(s, 0L);
    }

    public long total() {
        return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Children not yet terminal. */
    public long live() {
        return JobStatus.live().stream().mapToLong(this::get).sum();
    }

    public long terminal() {
        return total() - live();
    }

    /** "66 pending, 1 running, 83 completed, 0 failed" (+ the other states when not zero). */
    public String progressText() {
        StringBuilder b = new StringBuilder();
        b.append(get(JobStatus.PENDING) + get(JobStatus.SCHEDULED)).append(" pending, ")
                .append(get(JobStatus.RUNNING) + get(JobStatus.WAITING)).append(" running, ")
                .append(get(JobStatus.COMPLETED)).append(" completed, ")
                .append(get(JobStatus.FAILED)).append(" failed");
        if (get(JobStatus.CANCELLED) > 0) b.append(", ").append(get(JobStatus.CANCELLED)).append(" cancelled");
        if (get(JobStatus.SKIPPED) > 0) b.append(", ").append(get(JobStatus.SKIPPED)).append(" skipped");
        return b.toString();
    }
}
