package io.ordo.store.jdbc;

import io.ordo.core.store.StoreHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Table health on PostgreSQL. A queue table turns over all its rows: every job is inserted, updated
 * on claim and completion, and deleted when pruned, so its dead row versions pile up faster than in
 * most tables, and claims walk over them in the pending index until a VACUUM clears them. Without
 * autovacuum (off server-wide, statistics off, or disabled on a table) nothing does, and a long
 * backlog drains slower and slower; this reads whether autovacuum covers the hot tables and runs the
 * vacuum duty that stands in for it.
 */
final class PgTableHealth implements StoreHealth {
    private static final Logger log = LoggerFactory.getLogger(PgTableHealth.class);
    /** The tables every job's way through the queue rewrites: the jobs, their logs, the counters, the event log. */
    static final List<String> HOT = List.of("ordo_jobs", "ordo_job_logs", "ordo_job_counts", "ordo_job_type_counts",
            "ordo_child_counts", "ordo_scope_counts", "ordo_events");
    /** Boolean spellings PostgreSQL accepts for false in a table option. */
    private static final Set<String> FALSE = Set.of("false", "off", "no", "0", "f", "n");

    /** Opens a connection of the store's own outside its pool, for one duty pass. */
    interface Connector {
        Connection open() throws SQLException;
    }

    private final String schema;
    private final int lockSpace;
    private final Connector connector;
    private volatile Autovacuum autovacuum = new Autovacuum(true, "");
    private volatile Runnable onDutyStart = () -> { };
    private volatile Runnable onDutyEnd = () -> { };

    /** @param lockSpace first key of the session advisory lock that makes the duty one node's at a time */
    PgTableHealth(String schema, int lockSpace, Connector connector) {
        this.schema = schema;
        this.lockSpace = lockSpace;
        this.connector = connector;
    }

    /** The VACUUM (ANALYZE) statement for these tables of the store's schema (it cannot run inside a transaction). */
    String vacuumSql(Collection<String> tables) {
        return "VACUUM (ANALYZE) " + tables.stream().map(this::qualified).collect(Collectors.joining(", "));
    }

    private String qualified(String table) {
        return "\"" + schema + "\"." + table;
    }

    @Override
    public Autovacuum autovacuum() {
        return autovacuum;
    }

    /** Reads the settings again on {@code c}; a failure to read them counts as not effective (the duty then watches). */
    Autovacuum refresh(Connection c) {
        Autovacuum a;
        try {
            a = read(c).autovacuum();
        } catch (SQLException e) {
            a = new Autovacuum(false, "its settings could not be read: " + e.getMessage());
        }
        autovacuum = a;
        return a;
    }

    private record Coverage(boolean global, Set<String> disabled, Autovacuum autovacuum) {
        boolean covers(String table) {
            return global && !disabled.contains(table);
        }
    }

    private Coverage read(Connection c) throws SQLException {
        boolean on;
        boolean counts;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('autovacuum'), current_setting('track_counts')")) {
            rs.next();
            on = "on".equals(rs.getString(1));
            counts = "on".equals(rs.getString(2));
        }
        Set<String> disabled = new TreeSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, c.reloptions FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ANY(?) AND c.reloptions IS NOT NULL")) {
            ps.setString(1, schema);
            ps.setArray(2, c.createArrayOf("text", HOT.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (Object o : (Object[]) rs.getArray(2).getArray()) {
                        String opt = o.toString().toLowerCase(Locale.ROOT).replace(" ", "");
                        if (opt.startsWith("autovacuum_enabled=") && FALSE.contains(opt.substring("autovacuum_enabled=".length()))) {
                            disabled.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        List<String> why = new ArrayList<>();
        if (!on) why.add("autovacuum = off");
        if (!counts) why.add("track_counts = off: no dead-row counts, so neither autovacuum nor Ordo's duty sees dead rows; turn it on");
        if (!disabled.isEmpty()) why.add("autovacuum_enabled = false on " + String.join(", ", disabled));
        return new Coverage(on && counts, disabled, new Autovacuum(why.isEmpty(), String.join("; ", why)));
    }

    /** Test seam: runs {@code start} and {@code end} inside each pass that holds the duty lock. */
    void onDuty(Runnable start, Runnable end) {
        onDutyStart = start;
        onDutyEnd = end;
    }

    @Override
    public List<Vacuum> vacuumDeadRows(DeadRowLimits limits) {
        // a connection of its own: the session lock below belongs to it, and a VACUUM that runs for
        // minutes does not hold one of the pool's; closing it releases the lock whatever happened
        try (Connection c = connector.open()) {
            c.setAutoCommit(true);
            if (!tryLock(c)) return List.of();
            try {
                onDutyStart.run();
                Coverage coverage = read(c);
                autovacuum = coverage.autovacuum();
                List<Vacuum> done = new ArrayList<>();
                for (Due t : due(c, coverage, limits)) {
                    long t0 = System.nanoTime();
                    try (Statement st = c.createStatement()) {
                        st.execute(vacuumSql(List.of(t.table())));
                    }
                    Vacuum v = new Vacuum(t.table(), t.dead(), t.live(), Duration.ofNanos(System.nanoTime() - t0));
                    log.info("vacuumed {}.{}: {} dead rows ({} live) in {} ms", schema, v.table(), v.deadRows(), v.liveRows(), v.took().toMillis());
                    done.add(v);
                }
                return done;
            } finally {
                onDutyEnd.run();
                unlock(c);
            }
        } catch (SQLException e) {
            throw new JdbcStoreException("postgresql store: vacuum duty failed: " + e.getMessage(), e);
        }
    }

    private boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
            ps.setInt(1, lockSpace);
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private void unlock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            ps.setInt(1, lockSpace);
            ps.setString(2, schema);
            ps.executeQuery().close();
        }
    }

    private record Due(String table, long live, long dead) {
    }

    /**
     * The hot tables past the limits, skipping one that a vacuum is working on now, and one that
     * autovacuum covers and vacuumed within the grace (it keeps up; two vacuums would only compete).
     */
    private List<Due> due(Connection c, Coverage coverage, DeadRowLimits limits) throws SQLException {
        List<Due> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT s.relname, s.n_live_tup, s.n_dead_tup, "
                + "COALESCE(GREATEST(s.last_vacuum, s.last_autovacuum) < now() - make_interval(secs => ?), true), "
                + "EXISTS (SELECT 1 FROM pg_stat_progress_vacuum p WHERE p.relid = s.relid) "
                + "FROM pg_stat_user_tables s WHERE s.schemaname = ? AND s.relname = ANY(?) ORDER BY s.n_dead_tup DESC")) {
            ps.setDouble(1, limits.autovacuumGrace().toMillis() / 1000.0);
            ps.setString(2, schema);
            ps.setArray(3, c.createArrayOf("text", HOT.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    long live = rs.getLong(2);
                    long dead = rs.getLong(3);
                    boolean stale = rs.getBoolean(4);
                    boolean vacuuming = rs.getBoolean(5);
                    boolean piled = dead >= limits.minDeadRows() && dead >= limits.minDeadFraction() * live;
                    if (piled && !vacuuming && (!coverage.covers(table) || stale)) out.add(new Due(table, live, dead));
                }
            }
        }
        return out;
    }
}
