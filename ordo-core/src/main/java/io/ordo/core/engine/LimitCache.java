package io.ordo.core.engine;

import io.ordo.core.limits.Limits;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.OpsStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * This node's copy of the stored limits, read again every second by the node's operations loop
 * ({@link io.ordo.core.ops.Cluster}) and right after this node changes one; a limit set on another
 * node takes effect here within about a second. Claims use it only to choose their path: the
 * plain one-statement claim when no limit applies, the limited transaction (which reads the rows
 * themselves under lock) otherwise. Submits use the stored capacities from it.
 */
public final class LimitCache {
    private static final Logger log = LoggerFactory.getLogger(LimitCache.class);
    /** Read on use when the loop has not refreshed it for this long (a node that was not started). */
    private static final long STALE_NANOS = Duration.ofSeconds(2).toNanos();

    record Snapshot(Limits limits, InsertOptions insertOptions, long readAt) {
    }

    private final OpsStore store;
    private final InsertOptions flags;
    private volatile Snapshot current;

    /** @param flags this node's own insert options (queue capacities from its flags); a stored capacity wins over them */
    public LimitCache(OpsStore store, InsertOptions flags) {
        this.store = store;
        this.flags = flags;
        this.current = new Snapshot(Limits.NONE, flags, System.nanoTime() - 2 * STALE_NANOS);
    }

    public Limits limits() {
        return fresh().limits();
    }

    /** The node's insert options with the stored capacities laid over them. */
    public InsertOptions insertOptions() {
        return fresh().insertOptions();
    }

    private Snapshot fresh() {
        Snapshot s = current;
        if (System.nanoTime() - s.readAt() > STALE_NANOS) return reload(false);
        return s;
    }

    /** Reads the limits from the store now. On a store error the last copy is kept (and tried again later). */
    public void refresh() {
        reload(true);
    }

    private synchronized Snapshot reload(boolean now) {
        Snapshot was = current;
        if (!now && System.nanoTime() - was.readAt() <= STALE_NANOS) return was; // another thread read it meanwhile
        try {
            Limits l = new Limits(store.limits());
            current = new Snapshot(l, flags.withStored(l.queueCapacities(), l.typeCapacities()), System.nanoTime());
        } catch (RuntimeException e) {
            log.warn("could not read the stored queue limits; keeping the last ones: {}", e.toString());
            current = new Snapshot(was.limits(), was.insertOptions(), System.nanoTime());
        }
        return current;
    }
}
