package io.ordo.core.model;

import java.util.Set;
import java.util.UUID;

/**
 * Which jobs to list. Null fields do not filter. Listings are ordered newest first by id
 * (ids are UUIDv7, so id order is creation order) and paged with an opaque keyset cursor.
 *
 * @param error the job's last error, matched exactly (the dead-letter view's groups)
 */
public record JobFilter(Set<JobStatus> statuses, String queue, String type, UUID parentId, UUID rootId, UUID scopeId, String error) {
    public static final JobFilter ALL = new JobFilter(null, null, null, null, null, null, null);

    public JobFilter(Set<JobStatus> statuses, String queue, String type, UUID parentId, UUID rootId) {
        this(statuses, queue, type, parentId, rootId, null, null);
    }

    public JobFilter {
        statuses = statuses == null || statuses.isEmpty() ? null : Set.copyOf(statuses);
    }

    public static JobFilter status(JobStatus... s) {
        return new JobFilter(Set.of(s), null, null, null, null, null, null);
    }

    public JobFilter withQueue(String q) {
        return new JobFilter(statuses, q, type, parentId, rootId, scopeId, error);
    }

    public JobFilter withType(String t) {
        return new JobFilter(statuses, queue, t, parentId, rootId, scopeId, error);
    }

    public JobFilter withParent(UUID p) {
        return new JobFilter(statuses, queue, type, p, rootId, scopeId, error);
    }

    public JobFilter withRoot(UUID r) {
        return new JobFilter(statuses, queue, type, parentId, r, scopeId, error);
    }

    public JobFilter withScope(UUID s) {
        return new JobFilter(statuses, queue, type, parentId, rootId, s, error);
    }

    public JobFilter withStatuses(Set<JobStatus> s) {
        return new JobFilter(s, queue, type, parentId, rootId, scopeId, error);
    }

    public JobFilter withError(String e) {
        return new JobFilter(statuses, queue, type, parentId, rootId, scopeId, e);
    }
}
