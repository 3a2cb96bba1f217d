package io.ordo.core.model;

import java.util.UUID;

/**
 * Which saved results a listing or count covers, the way {@code Jobs.tree} picks jobs: for a root
 * job its whole tree, for a scope job (a definition step) its scope, for any other job the job and
 * its direct children.
 */
public record ResultScope(Kind kind, UUID id) {
    public enum Kind {
        /** Results of every job whose root is {@code id}. */
        TREE,
        /** Results of every job in the scope {@code id} (the scope job included). */
        SCOPE,
        /** Results of job {@code id} and of its direct children. */
        CHILDREN
    }

    public ResultScope {
        if (kind == null || id == null) throw new IllegalArgumentException("kind and id are required");
    }

    /** The scope of {@code job}'s results: its tree, its scope, or itself and its children. */
    public static ResultScope of(Job job) {
        if (job.id().equals(job.rootId()) && job.parentId() == null) return new ResultScope(Kind.TREE, job.id());
        if (job.id().equals(job.scopeId())) return new ResultScope(Kind.SCOPE, job.id());
        return new ResultScope(Kind.CHILDREN, job.id());
    }
}
