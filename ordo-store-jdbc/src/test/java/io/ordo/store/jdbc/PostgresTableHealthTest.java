package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import io.ordo.core.store.StoreHealth;
import io.ordo.core.store.StoreHealth.DeadRowLimits;
import io.ordo.core.store.StoreHealth.Vacuum;
import io.ordo.core.store.memory.InMemoryJobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Whether autovacuum covers Ordo's tables, and the vacuum duty that stands in for it (PostgresJobStore, PgTableHealth). */
class PostgresTableHealthTest {
    /** Low enough for a few thousand rows; autovacuum (off here anyway) is given no grace. */
    private static final DeadRowLimits LOW = new DeadRowLimits(1_000, 0.10, Duration.ZERO);
    private static final DeadRowLimits NEVER = new DeadRowLimits(Long.MAX_VALUE, 1.0, Duration.ZERO);

    private final String schema = PgTestDatabase.newSchema();
    private final List<JobStore> stores = new ArrayList<>();

    @AfterEach
    void drop() {
        stores.forEach(JobStore::close);
        PgTestDatabase.dropSchema(schema);
    }

    private PostgresJobStore open() {
        PostgresJobStore s = PgTestDatabase.open(schema);
        stores.add(s);
        return s;
    }

    private static StoreHealth health(JobStore s) {
        return s.health().orElseThrow();
    }

    @Test
    void readsWhetherAutovacuumCoversTheHotTables() throws SQLException {
        PostgresJobStore store = open();
        boolean serverWide = "on".equals(scalar("SELECT current_setting('autovacuum')"));
        assertThat(health(store).autovacuum().effective()).as("read at open").isEqualTo(serverWide);
        if (!serverWide) assertThat(health(store).autovacuum().detail()).startsWith("autovacuum = off");

        execute("ALTER TABLE \"" + schema + "\".ordo_jobs SET (autovacuum_enabled = off)");
        health(store).vacuumDeadRows(NEVER); // each pass reads the settings again

        assertThat(health(store).autovacuum().effective()).isFalse();
        assertThat(health(store).autovacuum().detail()).contains("autovacuum_enabled = false on ordo_jobs");
    }

    @Test
    void notApplicableOnSqliteAndInMemory(@TempDir Path dir) {
        try (JobStore sqlite = new JdbcStoreProvider().open("jdbc:sqlite:" + dir.resolve("ordo.db"), Map.of());
             JobStore memory = new InMemoryJobStore()) {
            assertThat(sqlite.health()).isEmpty();
            assertThat(memory.health()).isEmpty();
        }
    }

    @Test
    void vacuumsATableOnceItsDeadRowsPassTheLimits() throws SQLException {
        PostgresJobStore store = open();
        insertJobs(5_000);
        rewriteJobs();
        await().atMost(Duration.ofSeconds(20)).until(() -> deadRows("ordo_jobs") >= 5_000);

        assertThat(health(store).vacuumDeadRows(new DeadRowLimits(10_000, 0.10, Duration.ZERO))).as("under the limits").isEmpty();
        List<Vacuum> done = health(store).vacuumDeadRows(LOW);

        assertThat(done).extracting(Vacuum::table).contains("ordo_jobs");
        Vacuum jobs = done.stream().filter(v -> v.table().equals("ordo_jobs")).findFirst().orElseThrow();
        assertThat(jobs.deadRows()).isGreaterThanOrEqualTo(5_000);
        assertThat(jobs.liveRows()).isGreaterThanOrEqualTo(4_000);
        await().atMost(Duration.ofSeconds(20)).until(() -> deadRows("ordo_jobs") < 1_000);
        assertThat(health(store).vacuumDeadRows(LOW)).as("nothing left to do").extracting(Vacuum::table).doesNotContain("ordo_jobs");
    }

    @Test
    void oneNodeAtATimeRunsTheDuty() throws Exception {
        List<PostgresJobStore> nodes = List.of(open(), open()); // two pools on one database
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger turns = new AtomicInteger();
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < nodes.size(); i++) {
            String node = "node" + i;
            ((PgTableHealth) health(nodes.get(i))).onDuty(() -> {
                trace.add(node + " start");
                turns.incrementAndGet();
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            }, () -> {
                inside.decrementAndGet();
                trace.add(node + " end");
            });
        }
        insertJobs(3_000);
        List<Vacuum> vacuums = Collections.synchronizedList(new ArrayList<>());
        int rounds = 15;
        CyclicBarrier together = new CyclicBarrier(nodes.size());
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (PostgresJobStore node : nodes) {
                runs.add(pool.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        if (node == nodes.get(0) && r % 5 == 0) rewriteJobs(); // dead rows for some rounds to clear
                        together.await();
                        vacuums.addAll(health(node).vacuumDeadRows(LOW));
                    }
                    return null;
                }));
            }
            for (Future<?> f : runs) f.get();
        } finally {
            pool.shutdownNow();
        }

        assertThat(most.get()).as("passes on duty at once; trace %s", trace).isEqualTo(1);
        assertThat(turns.get()).as("every round someone was on duty").isGreaterThanOrEqualTo(rounds);
        assertThat(vacuums).as("a vacuum ran").extracting(Vacuum::table).contains("ordo_jobs");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private void insertJobs(int n) throws SQLException {
        PgDeadRows.insertJobs(schema, n);
    }

    private void rewriteJobs() throws SQLException {
        PgDeadRows.rewriteJobs(schema);
    }

    private long deadRows(String table) throws SQLException {
        return PgDeadRows.deadRows(schema, table);
    }

    private static String scalar(String sql) throws SQLException {
        try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = PgTestDatabase.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
