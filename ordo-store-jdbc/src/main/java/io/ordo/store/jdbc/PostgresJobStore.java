package io.ordo.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.HeartbeatResult;
import io.ordo.core.store.StoreHealth;
import io.ordo.core.util.Uuids;
import org.postgresql.ds.PGSimpleDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static io.ordo.core.model.JobStatus.COMPLETED;
import static io.ordo.core.model.JobStatus.RUNNING;
import static io.ordo.core.model.JobStatus.WAITING;

/**
 * The distributed store: every node points at one PostgreSQL. Claims are one statement with
 * {@code FOR UPDATE SKIP LOCKED}; inserts, completions and heartbeats are one statement per batch
 * ({@code unnest} of arrays); NOTIFY wakes idle workers in other processes. Transactions that hit a
 * deadlock or a serialization failure are run again.
 */
public final class PostgresJobStore extends JdbcJobStore {
    private static final int MAX_TRIES = 5;
    /** First key of Ordo's advisory locks, so that they never meet an application's own (ASCII "Ordo"). */
    private static final int LOCK_SPACE = 0x4f72646f;

    private final JdbcSettings settings;
    private final String schema;
    private final HikariDataSource pool;
    private final PgListener listener;
    private final EventNotifier notifier;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<Integer, String> claimSql = new ConcurrentHashMap<>();
    private final String claimIdsSql = d.sql("WITH picked AS MATERIALIZED (SELECT p.id FROM unnest(?::uuid[]) AS u(id) CROSS JOIN LATERAL "
            + "(SELECT id, status, queue, type, requires FROM {jobs} WHERE id = u.id LIMIT 1 FOR UPDATE) p WHERE "
            + Guards.into("p.status", RUNNING) + " AND p.queue = ? AND p.type = ANY(?) AND p.requires = ANY(?)) " // capabilities: requires
            + "UPDATE {jobs} j SET status = 'running', attempt = j.attempt + 1, lease_owner = ?, lease_until = ?, "
            + "started_at = ?, updated_at = ? FROM picked WHERE j.id = picked.id RETURNING " + JobRows.columns("j"));
    private final PgInserts inserts;
    private final String completeSql;
    private final String heartbeatSql;
    private final PgTableHealth health;

    private PostgresJobStore(JdbcSettings settings, String schema, HikariDataSource pool) {
        super(new PostgresDialect(schema));
        this.settings = settings;
        this.schema = schema;
        this.pool = pool;
        this.listener = new PgListener(() -> directConnection("ordo-listen"), this::queuesWithPendingJobs, "ordo-pg-listen-" + schema, schema);
        this.notifier = new EventNotifier(pool::getConnection, schema);
        inserts = new PgInserts(d, queries);
        String ttl = d.plusMillis("c.now", "j.result_ttl_ms");
        // a job with children (their counters, probed through the primary key for each updated row)
        // waits, unfinished, for the monitor to apply its child policy; the others are completed. No OFFSET 0 fence around the
        // subquery: a plan that rescans it per job row would probe the counters jobs x batch times.
        completeSql = d.sql("UPDATE {jobs} j SET status = CASE WHEN c.waits THEN 'waiting' ELSE 'completed' END, "
                + "result_expires_at = CASE WHEN c.result IS NOT NULL THEN (CASE WHEN j.result_ttl_ms IS NULL THEN NULL ELSE " + ttl + " END) "
                + "WHEN j.result IS NOT NULL AND j.result_expires_at IS NULL AND j.result_ttl_ms IS NOT NULL THEN " + ttl
                + " ELSE j.result_expires_at END, "
                + "result = COALESCE(c.result, j.result), finished_at = CASE WHEN c.waits THEN NULL ELSE c.now END, "
                + "lease_until = NULL, updated_at = c.now "
                + "FROM (SELECT u.id, u.owner, u.attempt, u.result::jsonb AS result, u.now::timestamptz AS now, "
                + LeaseWrites.waitsForChildren(d, "u.id") + " AS waits "
                + "FROM unnest(?::uuid[], ?::text[], ?::int4[], ?::text[], ?::text[]) AS u(id, owner, attempt, result, now)) c "
                + "WHERE j.id = c.id AND " + Guards.intoAll("j.status", EnumSet.of(RUNNING), COMPLETED, WAITING)
                + " AND j.lease_owner = c.owner AND j.attempt = c.attempt RETURNING j.id, j.status");
        heartbeatSql = d.sql("UPDATE {jobs} j SET lease_until = ?, updated_at = ? "
                + "FROM unnest(?::uuid[], ?::text[], ?::int4[]) AS l(id, owner, attempt) "
                + "WHERE j.id = l.id AND j.status = 'running' AND j.lease_owner = l.owner AND j.attempt = l.attempt "
                + "RETURNING j.id, j.cancel_requested");
        health = new PgTableHealth(schema, LOCK_SPACE + 2, () -> directConnection("ordo-vacuum"));
    }

    /** Opens the store at a {@code jdbc:postgresql://} URL, creating and migrating its schema if needed. */
    static PostgresJobStore open(JdbcSettings s) {
        String schema = s.pgSchema();
        PGSimpleDataSource direct = new PGSimpleDataSource();
        direct.setURL(s.url());
        if (s.user() != null) direct.setUser(s.user());
        if (s.password() != null) direct.setPassword(s.password());
        Migrations.run(direct, "postgresql", schema);

        HikariConfig hc = new HikariConfig();
        hc.setPoolName("ordo-pg" + (schema == null ? "" : "-" + schema));
        hc.setJdbcUrl(s.url());
        if (s.user() != null) hc.setUsername(s.user());
        if (s.password() != null) hc.setPassword(s.password());
        driverProperties(s, schema, "ordo").forEach(hc::addDataSourceProperty);
        int size = s.poolSize(10);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(Math.min(2, size));
        hc.setConnectionTimeout(30_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new JdbcStoreException("postgresql store: cannot connect to " + s.url() + ": " + e.getMessage(), e);
        }
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_schema()")) {
            String actual = rs.next() ? rs.getString(1) : null;
            if (schema == null) schema = actual;
            if (schema == null) throw new JdbcStoreException("postgresql store: the connection has no current schema");
            PostgresJobStore store = new PostgresJobStore(s, schema, pool);
            store.health.refresh(c);
            return store;
        } catch (SQLException | RuntimeException e) {
            pool.close();
            if (e instanceof JdbcStoreException j) throw j;
            throw new JdbcStoreException("postgresql store: cannot open: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> driverProperties(JdbcSettings s, String schema, String appName) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ApplicationName", appName);
        p.putAll(s.driverProperties());
        if (schema != null) p.put("currentSchema", schema);
        return p;
    }

    /** A connection outside the pool (LISTEN, the vacuum duty's session lock). */
    private Connection directConnection(String appName) throws SQLException {
        Properties p = new Properties();
        p.putAll(driverProperties(settings, schema, appName));
        if (settings.user() != null) p.setProperty("user", settings.user());
        if (settings.password() != null) p.setProperty("password", settings.password());
        return DriverManager.getConnection(settings.url(), p);
    }

    private List<String> queuesWithPendingJobs() throws SQLException {
        return read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(d.sql(
                    "SELECT queue FROM {counts} WHERE status = 'pending' GROUP BY queue HAVING SUM(n) > 0"));
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
            return out;
        });
    }

    @Override
    public String kind() {
        return "postgresql";
    }

    /** The schema that holds the store's tables. */
    public String schema() {
        return schema;
    }

    /** The store's pool; for tests that need a connection of the same kind as the store's. */
    HikariDataSource pool() {
        return pool;
    }

    // ---- connections ----------------------------------------------------------------------------

    @Override
    <T> T write(SqlWork<T> work) {
        return retrying(true, work);
    }

    @Override
    <T> T writeStatement(SqlWork<T> work) {
        return retrying(false, work);
    }

    @Override
    <T> T read(SqlWork<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    private <T> T retrying(boolean transaction, SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection()) {
                if (!transaction) {
                    T out = work.run(c);
                    committed();
                    return out;
                }
                c.setAutoCommit(false);
                try {
                    T out = work.run(c);
                    c.commit();
                    committed();
                    return out;
                } catch (Throwable t) {
                    try {
                        c.rollback();
                    } catch (SQLException ignored) {
                        // the connection is broken; the pool drops it
                    }
                    throw t;
                }
            } catch (SQLException e) {
                if (attempt >= MAX_TRIES || !retryable(e)) throw failure("write", e);
                pauseBeforeRetry(attempt);
            }
        }
    }

    /** Deadlock (40P01) and serialization failure (40001): nothing was committed, the work can run again. */
    static boolean retryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && ("40P01".equals(s.getSQLState()) || "40001".equals(s.getSQLState()))) return true;
        }
        return false;
    }

    private static void pauseBeforeRetry(int attempt) {
        try {
            // jittered so that the two sides of a deadlock do not collide again
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * attempt + 1));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new JdbcStoreException("postgresql store: interrupted while retrying a write");
        }
    }

    // ---- dialect statements ----------------------------------------------------------------------

    /**
     * One statement. The limit is written into the SQL as a literal (it is an int we control), so a
     * plan the server caches for the prepared statement, even a generic one planned on an empty
     * table, still knows it: the MATERIALIZED CTE locks at most {@code limit} rows (LockRows under
     * Limit) and the UPDATE joins only those, by primary key. The status guard lives in the CTE only:
     * its rows are locked and re-checked there, and repeating it on the outer table lets a generic
     * plan drive the join from the pending index, i.e. walk the whole backlog on every claim.
     * See DESIGN.md §6 and PostgresClaimPlanTest.
     */
    @Override
    List<Job> claimOn(Connection c, ClaimRequest r) throws SQLException {
        String sql = claimSql(r.limit());
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, r.queue());
            d.setTexts(c, ps, 2, r.types());
            d.setTexts(c, ps, 3, r.requirementKeys()); // capabilities: requires
            ps.setString(4, r.owner());
            d.setTime(ps, 5, r.now().plus(r.lease()));
            d.setTime(ps, 6, r.now());
            d.setTime(ps, 7, r.now());
            return queries.jobs(ps);
        }
    }

    /**
     * Each id is looked up by primary key ({@code LATERAL ... LIMIT 1} is never flattened): a plan for
     * "id = ANY(?) AND queue = ?" walks the queue's whole pending index when the statistics are stale
     * (autovacuum off). The row lock is taken before the guards are checked, so a job claimed
     * meanwhile is seen as running and left out.
     */
    @Override
    List<Job> claimIdsOn(Connection c, ClaimRequest r, List<UUID> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(claimIdsSql)) {
            d.setIds(c, ps, 1, ids);
            ps.setString(2, r.queue());
            d.setTexts(c, ps, 3, r.types());
            d.setTexts(c, ps, 4, r.requirementKeys()); // capabilities: requires
            ps.setString(5, r.owner());
            d.setTime(ps, 6, r.now().plus(r.lease()));
            d.setTime(ps, 7, r.now());
            d.setTime(ps, 8, r.now());
            return queries.jobs(ps);
        }
    }

    String claimSql(int limit) {
        return claimSql.computeIfAbsent(limit, n -> d.sql("WITH picked AS MATERIALIZED (SELECT id FROM {jobs} WHERE "
                + Guards.into("status", RUNNING) + " AND queue = ? AND type = ANY(?)"
                + " AND requires = ANY(?)" // capabilities: a filter on the claim index's rows, see V7
                + " ORDER BY priority, run_at, id LIMIT " + n
                + " FOR UPDATE SKIP LOCKED) UPDATE {jobs} j SET status = 'running', attempt = j.attempt + 1, lease_owner = ?, "
                + "lease_until = ?, started_at = ?, updated_at = ? FROM picked WHERE j.id = picked.id RETURNING " + JobRows.columns("j")));
    }

    /** The batch completion statement (for plan tests). */
    String completeSql() {
        return completeSql;
    }

    @Override
    List<Job> insertRows(Connection c, List<NewJob> rows) throws SQLException {
        return inserts.insert(c, rows);
    }

    /** An instant as ISO-8601 text with an explicit Z, which PostgreSQL reads the same in any time zone. */
    private static String text(Instant t) {
        return PgInserts.text(t);
    }

    @Override
    void lockQueues(Connection c, SortedSet<String> queues) throws SQLException {
        if (queues.isEmpty()) return;
        // in name order, so that two batches touching the same capped queues cannot deadlock
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
            for (String q : queues) {
                ps.setInt(1, LOCK_SPACE);
                ps.setString(2, schema + "/" + q);
                ps.executeQuery().close();
            }
        }
    }

    /** NOTIFY is transactional: other nodes hear it when (and only if) this transaction commits. */
    @Override
    void jobsReady(Connection c, Set<String> queues) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + PgListener.CHANNEL + "', q) FROM unnest(?::text[]) AS q")) {
            d.setTexts(c, ps, 1, queues);
            ps.executeQuery().close();
        }
    }

    /**
     * Appends of the events no trigger writes (progress, results, queue stats) commit without waiting
     * for the WAL flush ({@code synchronous_commit} off for this transaction only): they feed live
     * views, not the record of truth, so a crash may lose the last few. Status changes, spawns and
     * logs are written by triggers in the transaction of the change and are as durable as it.
     */
    @Override
    void appendingEvents(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL synchronous_commit TO OFF");
        }
    }

    @Override
    void committed() {
        super.committed();
        notifier.signal();
    }

    @Override
    public Map<UUID, JobStatus> complete(List<Completion> completions) {
        if (completions.isEmpty()) return Map.of();
        int n = completions.size();
        UUID[] id = new UUID[n];
        String[] owner = new String[n], result = new String[n], now = new String[n];
        Integer[] attempt = new Integer[n];
        for (int i = 0; i < n; i++) {
            Completion x = completions.get(i);
            id[i] = x.lease().jobId();
            owner[i] = x.lease().owner();
            attempt[i] = x.lease().attempt();
            result[i] = JobRows.text(x.result());
            now[i] = text(x.now());
        }
        return writeStatement(c -> {
            try (PreparedStatement ps = c.prepareStatement(completeSql)) {
                ps.setArray(1, c.createArrayOf("uuid", id));
                ps.setArray(2, c.createArrayOf("text", owner));
                ps.setArray(3, c.createArrayOf("int4", attempt));
                ps.setArray(4, c.createArrayOf("text", result));
                ps.setArray(5, c.createArrayOf("text", now));
                Map<UUID, JobStatus> done = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) done.put(rs.getObject(1, UUID.class), JobStatus.fromWire(rs.getString(2)));
                }
                return done;
            }
        });
    }

    @Override
    public HeartbeatResult heartbeat(Collection<Lease> leases, Instant leaseUntil, Instant now) {
        if (leases.isEmpty()) return new HeartbeatResult(Set.of(), Set.of());
        // in id order, the order in which a spawn locks a scope job and the spawning job
        List<Lease> all = leases.stream().sorted(Comparator.comparing(Lease::jobId, Uuids.ORDER)).toList();
        return writeStatement(c -> {
            try (PreparedStatement ps = c.prepareStatement(heartbeatSql)) {
                d.setTime(ps, 1, leaseUntil);
                d.setTime(ps, 2, now);
                ps.setArray(3, c.createArrayOf("uuid", all.stream().map(Lease::jobId).toArray()));
                ps.setArray(4, c.createArrayOf("text", all.stream().map(Lease::owner).toArray()));
                ps.setArray(5, c.createArrayOf("int4", all.stream().map(Lease::attempt).toArray()));
                Set<UUID> held = new HashSet<>();
                Set<UUID> cancel = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject(1, UUID.class);
                        held.add(id);
                        if (rs.getBoolean(2)) cancel.add(id);
                    }
                }
                Set<UUID> lost = new HashSet<>();
                for (Lease l : all) if (!held.contains(l.jobId())) lost.add(l.jobId());
                return new HeartbeatResult(lost, cancel);
            }
        });
    }

    @Override
    public void onJobsAvailable(Consumer<String> l) {
        if (closed.get()) throw new IllegalStateException("store is closed");
        listener.add(l);
    }

    @Override
    public void onEventsAppended(Runnable l) {
        if (closed.get()) throw new IllegalStateException("store is closed");
        super.onEventsAppended(l);
        listener.addEvents(l);
    }

    /** Whether this store LISTENs for other processes' event appends now (for tests). */
    boolean listeningForEvents() {
        return listener.listening(PgListener.EVENTS_CHANNEL);
    }

    /** Drops empty counter rows, then VACUUM (ANALYZE) of Ordo's tables, which cannot run inside a transaction. */
    @Override
    public void optimize() {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            st.execute(d.sql("DELETE FROM {counts} WHERE n = 0"));
            st.execute(d.sql("DELETE FROM {type_counts} WHERE n = 0"));
            st.execute(d.sql("DELETE FROM {children} WHERE n = 0"));
            st.execute(d.sql("DELETE FROM {scopes} WHERE n = 0"));
            st.execute(health.vacuumSql(PgTableHealth.HOT));
        } catch (SQLException e) {
            throw failure("optimize", e);
        }
    }

    @Override
    public Optional<StoreHealth> health() {
        return Optional.of(health);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            notifier.close();
            listener.close();
        } finally {
            pool.close();
        }
    }

    @Override
    public String toString() {
        return "PostgresJobStore[" + schema + "]";
    }
}
