package io.ordo.core.ops;

import io.ordo.core.OrdoConfig;
import io.ordo.core.store.JobStore;

/**
 * How the store's tables are kept healthy, as {@code /ready} and the cluster view show it.
 *
 * @param autovacuum {@link #ON}, {@link #OFF} (for at least one of Ordo's hot tables) or
 *                   {@link #NOT_APPLICABLE} (a store without vacuum: SQLite, memory)
 * @param detail     why it is off (e.g. {@code autovacuum = off}); empty otherwise
 * @param vacuumDuty whether this node takes its turn at the vacuum duty (false when not applicable)
 */
public record TableHealth(String autovacuum, String detail, boolean vacuumDuty) {
    public static final String ON = "on";
    public static final String OFF = "off";
    public static final String NOT_APPLICABLE = "not_applicable";

    /** The store's last reading, with this node's setting. */
    public static TableHealth of(JobStore store, OrdoConfig config) {
        return store.health().map(h -> new TableHealth(h.autovacuum().effective() ? ON : OFF, h.autovacuum().detail(), config.autoVacuum()))
                .orElse(new TableHealth(NOT_APPLICABLE, "", false));
    }
}
