package io.ordo.core.store;

import java.time.Duration;
import java.util.List;

/**
 * The health of a store's tables where the database needs them vacuumed (PostgreSQL): whether the
 * database's autovacuum covers Ordo's hot tables, and Ordo's own vacuum duty for when it does not.
 * A store offers it through {@link JobStore#health()}; stores without such upkeep (SQLite, memory)
 * have none, which callers report as "not applicable".
 */
public interface StoreHealth {
    /** Whether autovacuum covers Ordo's hot tables, as last read (when the store opened, then at each duty pass). */
    Autovacuum autovacuum();

    /**
     * One pass of the vacuum duty, run by at most one node of the database at a time: VACUUM (ANALYZE)
     * of each hot table whose dead rows pass {@code limits} and that autovacuum is not keeping up with.
     * Returns the vacuums run, none when no table needed one or another node was on duty.
     */
    List<Vacuum> vacuumDeadRows(DeadRowLimits limits);

    /**
     * @param effective whether autovacuum runs on every hot table (server setting, statistics, table options)
     * @param detail    why not, e.g. {@code autovacuum = off}; empty when effective
     */
    record Autovacuum(boolean effective, String detail) {
    }

    /**
     * When a table needs a vacuum: at least {@code minDeadRows} dead rows and {@code minDeadFraction}
     * of its live rows, and, if autovacuum covers it, no vacuum within {@code autovacuumGrace}.
     */
    record DeadRowLimits(long minDeadRows, double minDeadFraction, Duration autovacuumGrace) {
    }

    /** A vacuum the duty ran: the table, its dead and live rows before, and how long it took. */
    record Vacuum(String table, long deadRows, long liveRows, Duration took) {
    }
}
