package io.ordo.core.event;

import java.util.Set;
import java.util.UUID;

/**
 * Which events a subscriber wants. Empty sets mean "any". A job id matches the job's own events and
 * those of its direct children (their {@code parent_id}), so following one job shows what it spawns;
 * a root id matches every event of that tree. Events without a job ({@code queue_stats}) match only
 * when no job or root is asked for.
 */
public record EventFilter(Set<UUID> jobIds, Set<UUID> rootIds, Set<String> types) {
    public static final EventFilter ALL = new EventFilter(Set.of(), Set.of(), Set.of());

    public EventFilter {
        jobIds = Set.copyOf(jobIds);
        rootIds = Set.copyOf(rootIds);
        types = Set.copyOf(types);
    }

    public boolean matches(OrdoEvent e) {
        if (!types.isEmpty() && !types.contains(e.type())) return false;
        if (jobIds.isEmpty() && rootIds.isEmpty()) return true;
        if (e.jobId() != null && jobIds.contains(e.jobId())) return true;
        if (e.rootId() != null && rootIds.contains(e.rootId())) return true;
        if (!jobIds.isEmpty() && e.payload().get("parent_id") instanceof String parent) {
            try {
                return jobIds.contains(UUID.fromString(parent));
            } catch (IllegalArgumentException ignored) {
                return false;
            }
        }
        return false;
    }
}
