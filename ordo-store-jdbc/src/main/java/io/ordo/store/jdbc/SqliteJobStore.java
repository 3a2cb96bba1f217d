package io.ordo.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.util.Json;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import static io.ordo.core.model.JobStatus.RUNNING;

/**
 * The embedded store: one SQLite file in WAL mode. SQLite has one writer at a time, so every write
 * of this store goes through one connection under one lock (transactions start with BEGIN
 * IMMEDIATE, which takes the file's write lock at once rather than failing on upgrade); reads use a
 * small pool and never wait for the writer.
 */
public final class SqliteJobStore extends JdbcJobStore {
    static final int BUSY_TIMEOUT_MS = 5_000;

    private final String path;
    private final HikariDataSource writer;
    private final HikariDataSource readers;
    /**
     * Not fair, like the in-memory store's lock: a fair lock hands out strict turns, so a writer that
     * fell behind (e.g. still warming up) could never catch up with one racing it for the same rows.
     */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<Integer, String> claimSql = new ConcurrentHashMap<>();
    private final String claimIdsSql = d.sql("UPDATE {jobs} SET status = 'running', attempt = attempt + 1, lease_owner = ?, "
            + "lease_until = ?, started_at = ?, updated_at = ? WHERE " + d.inIds("id") + " AND " + Guards.into("status", RUNNING)
            + " AND queue = ? AND " + d.inTexts("type") + " AND " + d.inTexts("requires") // capabilities: requires
            + " RETURNING " + JobRows.COLUMNS);
    private final String insertSql;
    private final String treeInsertSql;

    private SqliteJobStore(String path, HikariDataSource writer, HikariDataSource readers) {
        super(new SqliteDialect());
        this.path = path;
        this.writer = writer;
        this.readers = readers;
        String plain = "id, type, queue, priority, payload, status, max_attempts, run_at, timeout_ms, parent_id, root_id, "
                + "definition_id, step, depth, result_ttl_ms, unique_key, cache_key, tags, backoff_base_ms, backoff_cap_ms, created_at, "
                + "updated_at";
        String params = "?, ".repeat(21) + "?";
        // a duplicate (an id inserted before) is skipped and resolved by the caller; keys were resolved under this writer's lock
        insertSql = d.sql("INSERT INTO {jobs} (" + plain + ") VALUES (" + params + ") ON CONFLICT DO NOTHING");
        treeInsertSql = d.sql("INSERT INTO {jobs} (" + plain + ", scope_id, dedup_key, child_policy, meta, result, error, started_at, "
                + "finished_at, result_expires_at, webhook_url, requires) VALUES (" + params + ", ?, ?, ?, COALESCE(?, '{}'), ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING");
    }

    /** A PRAGMA's current value on the writer connection, e.g. {@code synchronous} (for diagnostics and tests). */
    String pragma(String name) {
        if (!name.matches("[a-z_]+")) throw new IllegalArgumentException(name);
        return writeStatement(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
                return rs.next() ? rs.getString(1) : null;
            }
        });
    }

    /** Opens (creating the file, its directory and the schema if needed) the store at {@code jdbc:sqlite:PATH}. */
    static SqliteJobStore open(JdbcSettings s) {
        String path = pathOf(s.url());
        try {
            Path parent = Path.of(path).toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
        } catch (IOException | RuntimeException e) {
            throw new JdbcStoreException("sqlite store: cannot create the directory of '" + path + "': " + e.getMessage(), e);
        }
        String url = "jdbc:sqlite:" + path;
        try {
            prepareFile(url);
            SQLiteDataSource migrationSource = new SQLiteDataSource(config(Map.of()));
            migrationSource.setUrl(url);
            Migrations.run(migrationSource, "sqlite", null);
        } catch (SQLException e) {
            throw new JdbcStoreException("sqlite store: cannot open '" + path + "': " + e.getMessage(), e);
        }
        HikariDataSource writer = null;
        try {
            writer = pool(url, "ordo-sqlite-writer", 1, s.driverProperties());
            HikariDataSource readers = pool(url, "ordo-sqlite-reader", s.poolSize(4), s.driverProperties());
            return new SqliteJobStore(path, writer, readers);
        } catch (RuntimeException e) {
            if (writer != null) writer.close();
            throw new JdbcStoreException("sqlite store: cannot open '" + path + "': " + e.getMessage(), e);
        }
    }

    static String pathOf(String url) {
        String p = url.substring("jdbc:sqlite:".length());
        int q = p.indexOf('?');
        if (q >= 0) p = p.substring(0, q);
        if (p.startsWith("file:")) p = p.substring("file:".length());
        if (p.isBlank() || p.contains(":memory:") || p.startsWith(":")) {
            throw new InvalidRequestException("'" + url + "' is not a SQLite file: use jdbc:sqlite:PATH (e.g. jdbc:sqlite:data/ordo.db), "
                    + "or memory: for a store that lives only in this process");
        }
        return p;
    }

    /** WAL is a property of the file; incremental auto-vacuum can only be chosen before the first table exists. */
    private static void prepareFile(String url) throws SQLException {
        SQLiteDataSource ds = new SQLiteDataSource(config(Map.of()));
        ds.setUrl(url);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA page_count")) {
                if (rs.next() && rs.getLong(1) == 0) st.execute("PRAGMA auto_vacuum = INCREMENTAL");
            }
            st.execute("PRAGMA journal_mode = WAL");
        }
    }

    private static SQLiteConfig config(Map<String, String> extra) {
        Properties p = new Properties();
        p.putAll(extra);
        SQLiteConfig cfg = new SQLiteConfig(p);
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a submit is on disk when it returns, even across a power cut (guarantee 1). The store
        // property synchronous=NORMAL trades that for speed: a power cut may then lose the last commits.
        if (!extra.containsKey("synchronous")) cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        cfg.setBusyTimeout(BUSY_TIMEOUT_MS);
        cfg.enforceForeignKeys(true);
        return cfg;
    }

    private static HikariDataSource pool(String url, String name, int size, Map<String, String> extra) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setDataSource(dataSource(url, extra));
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(30_000);
        return new HikariDataSource(hc);
    }

    private static SQLiteDataSource dataSource(String url, Map<String, String> extra) {
        SQLiteDataSource ds = new SQLiteDataSource(config(extra));
        ds.setUrl(url);
        return ds;
    }

    @Override
    public String kind() {
        return "sqlite";
    }

    /** The database file. */
    public String path() {
        return path;
    }

    // ---- connections ----------------------------------------------------------------------------

    @Override
    <T> T write(SqlWork<T> work) {
        return onWriter(c -> transaction(c, work));
    }

    /**
     * Appends of the events no trigger writes (progress, results, queue stats) commit without waiting
     * for the disk (synchronous=NORMAL for that transaction): they feed live views, not the record of
     * truth, and an fsync per batch held the single
     * writer long enough to halve throughput. In WAL mode the frames still reach the disk with the
     * next durable commit or checkpoint, so order and consistency are kept; a power cut may lose the
     * last few events, never a job.
     */
    @Override
    <T> T writeEvents(SqlWork<T> work) {
        return onWriter(c -> {
            int mode;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA synchronous")) {
                mode = rs.next() ? rs.getInt(1) : 2;
            }
            if (mode <= 1) return transaction(c, work); // OFF or NORMAL already
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA synchronous=NORMAL");
            }
            try {
                return transaction(c, work);
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA synchronous=" + mode);
                }
            }
        });
    }

    private static <T> T transaction(Connection c, SqlWork<T> work) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
        }
        try {
            T out = work.run(c);
            try (Statement st = c.createStatement()) {
                st.execute("COMMIT");
            }
            return out;
        } catch (Throwable t) {
            try (Statement st = c.createStatement()) {
                st.execute("ROLLBACK");
            } catch (SQLException ignored) {
                // the transaction is gone already (e.g. SQLite rolled it back itself)
            }
            throw t;
        }
    }

    @Override
    <T> T writeStatement(SqlWork<T> work) {
        return onWriter(work);
    }

    private <T> T onWriter(SqlWork<T> work) {
        writeLock.lock();
        T out;
        try (Connection c = writer.getConnection()) {
            out = work.run(c);
        } catch (SQLException e) {
            throw failure("write", e);
        } finally {
            writeLock.unlock();
        }
        committed();
        return out;
    }

    @Override
    <T> T read(SqlWork<T> work) {
        try (Connection c = readers.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    // ---- dialect statements ----------------------------------------------------------------------

    @Override
    List<Job> claimOn(Connection c, ClaimRequest r) throws SQLException {
        String sql = claimSql(r.limit());
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, r.owner());
            d.setTime(ps, 2, r.now().plus(r.lease()));
            d.setTime(ps, 3, r.now());
            d.setTime(ps, 4, r.now());
            ps.setString(5, r.queue());
            d.setTexts(c, ps, 6, r.types());
            d.setTexts(c, ps, 7, r.requirementKeys()); // capabilities: requires
            return queries.jobs(ps);
        }
    }

    @Override
    List<Job> claimIdsOn(Connection c, ClaimRequest r, List<UUID> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(claimIdsSql)) {
            ps.setString(1, r.owner());
            d.setTime(ps, 2, r.now().plus(r.lease()));
            d.setTime(ps, 3, r.now());
            d.setTime(ps, 4, r.now());
            d.setIds(c, ps, 5, ids);
            ps.setString(6, r.queue());
            d.setTexts(c, ps, 7, r.types());
            d.setTexts(c, ps, 8, r.requirementKeys()); // capabilities: requires
            return queries.jobs(ps);
        }
    }

    /** One statement: the inner SELECT walks the partial claim index in claim order and stops at the limit. */
    String claimSql(int limit) {
        return claimSql.computeIfAbsent(limit, n -> d.sql("UPDATE {jobs} SET status = 'running', attempt = attempt + 1, "
                + "lease_owner = ?, lease_until = ?, started_at = ?, updated_at = ? WHERE id IN (SELECT id FROM {jobs} WHERE "
                + Guards.into("status", RUNNING) + " AND queue = ? AND " + d.inTexts("type")
                + " AND " + d.inTexts("requires") // capabilities: requires
                + " ORDER BY priority, run_at, id LIMIT " + n + ") AND " + Guards.into("status", RUNNING)
                + " RETURNING " + JobRows.COLUMNS));
    }

    /** Plain jobs bind the columns they use; tree jobs and jobs recorded in a final state the rest too. */
    @Override
    List<Job> insertRows(Connection c, List<NewJob> rows) throws SQLException {
        boolean plain = rows.stream().allMatch(JobRows::plain);
        List<Job> out = new ArrayList<>(rows.size());
        try (PreparedStatement ps = c.prepareStatement(plain ? insertSql : treeInsertSql)) {
            for (NewJob n : rows) {
                int i = 1;
                d.setId(ps, i++, n.id());
                ps.setString(i++, n.type());
                ps.setString(i++, n.queue());
                ps.setInt(i++, n.priority());
                ps.setString(i++, JobRows.text(n.payload()));
                ps.setString(i++, n.status().wireName());
                ps.setInt(i++, n.maxAttempts());
                d.setTime(ps, i++, n.runAt());
                setLong(ps, i++, JobRows.toMillis(n.timeout()));
                d.setId(ps, i++, n.parentId());
                d.setId(ps, i++, n.rootId() == null ? n.id() : n.rootId());
                ps.setString(i++, n.definitionId());
                ps.setString(i++, n.step());
                ps.setInt(i++, n.depth());
                setLong(ps, i++, JobRows.toMillis(n.resultTtl()));
                ps.setString(i++, n.uniqueKey());
                ps.setString(i++, n.cacheKey());
                ps.setString(i++, Json.write(n.tags()));
                setLong(ps, i++, JobRows.toMillis(n.backoffBase()));
                setLong(ps, i++, JobRows.toMillis(n.backoffCap()));
                d.setTime(ps, i++, n.createdAt());
                d.setTime(ps, i++, n.createdAt());
                if (!plain) {
                    Job j = n.toJob();
                    d.setId(ps, i++, n.scopeId());
                    ps.setString(i++, n.dedupKey());
                    ps.setString(i++, JobRows.policyText(n.childPolicy()));
                    ps.setString(i++, JobRows.metaText(n.meta()));
                    ps.setString(i++, JobRows.text(n.result()));
                    ps.setString(i++, n.error());
                    d.setTime(ps, i++, j.startedAt());
                    d.setTime(ps, i++, j.finishedAt());
                    d.setTime(ps, i++, j.resultExpiresAt());
                    ps.setString(i++, n.webhookUrl());
                    ps.setString(i, n.requires());
                }
                ps.addBatch();
            }
            int[] counts = ps.executeBatch();
            for (int k = 0; k < rows.size(); k++) if (counts[k] != 0) out.add(JobRows.inserted(rows.get(k)));
        }
        return out;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) ps.setNull(i, Types.BIGINT);
        else ps.setLong(i, v);
    }

    /**
     * Refreshes the planner's statistics, drops empty counter rows, gives free pages back to the file
     * system (incremental auto-vacuum, so no full VACUUM that would rewrite the file and stop every
     * write) and folds the WAL back into the database.
     */
    @Override
    public void optimize() {
        onWriter(c -> {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA optimize");
                st.execute(d.sql("DELETE FROM {counts} WHERE n = 0"));
                st.execute(d.sql("DELETE FROM {children} WHERE n = 0"));
                st.execute(d.sql("DELETE FROM {scopes} WHERE n = 0"));
                st.execute("PRAGMA incremental_vacuum");
                st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
            }
            return null;
        });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            readers.close();
        } finally {
            writer.close();
        }
    }

    @Override
    public String toString() {
        return "SqliteJobStore[" + path + "]";
    }
}
