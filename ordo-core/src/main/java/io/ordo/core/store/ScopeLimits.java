package io.ordo.core.store;

import io.ordo.core.model.ChildPolicy;
import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;

/** The limits a scope job's {@link ChildPolicy} puts on spawns in its scope; one rule for every store. */
public final class ScopeLimits {
    private ScopeLimits() {
    }

    /**
     * Why {@code child} may not be created in {@code scope}, which has {@code spawned} descendants
     * already (counting those accepted earlier in the same spawn), or null when it may.
     */
    public static String violation(Job scope, NewJob child, int spawned) {
        ChildPolicy p = scope.childPolicy();
        if (p == null) return null;
        if (p.maxDepth() != null && child.depth() - scope.depth() > p.maxDepth()) {
            return "scope " + scope.id() + " allows descendants at most " + p.maxDepth() + " levels below it; this child would be "
                    + (child.depth() - scope.depth()) + " below";
        }
        if (p.maxChildren() != null && spawned >= p.maxChildren()) {
            return "scope " + scope.id() + " allows at most " + p.maxChildren() + " descendants and has " + spawned;
        }
        return null;
    }
}
