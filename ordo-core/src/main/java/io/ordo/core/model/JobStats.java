package io.ordo.core.model;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Job counts by status, overall and per queue. Every status appears in {@link #byStatus()} (0 when none).
 */
public record JobStats(Map<JobStatus, Long> byStatus, Map<String, Map<JobStatus, Long>> byQueue) {
    public static JobStats of(Map<String, Map<JobStatus, Long>> counts) {
        Map<JobStatus, Long> total = new EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) total.put(s, 0L);
        Map<String, Map<JobStatus, Long>> perQueue = new TreeMap<>();
        counts.forEach((q, m) -> {
            Map<JobStatus, Long> qm = new EnumMap<>(JobStatus.class);
            for (JobStatus s : JobStatus.values()) qm.put(s, m.getOrDefault(s, 0L));
            perQueue.put(q, qm);
            m.forEach((s, n) -> total.merge(s, n, Long::sum));
        });
        return new JobStats(total, perQueue);
    }

    public long total() {
        return byStatus.values().stream().mapToLong(Long::longValue).sum();
    }

    public long count(JobStatus s) {
        return byStatus.getOrDefault(s, 0L);
    }
}
