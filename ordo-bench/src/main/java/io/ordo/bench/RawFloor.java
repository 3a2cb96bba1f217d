package io.ordo.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor any PostgreSQL queue pays: a bare table of N rows drained by {@code threads} loops of
 * one {@code UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n)} each, no job model,
 * no completion write. Ordo's end-to-end rate is reported as a fraction of this.
 */
final class RawFloor {
    private RawFloor() {
    }

    static double run(int rows, int claimSize, int threads) throws Exception {
        BenchStore.ensureDatabase();
        String url = BenchStore.PG_BASE + BenchStore.PG_DB;
        String table = "raw_floor_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id bigserial PRIMARY KEY, state text NOT NULL, run_at timestamptz NOT NULL DEFAULT now())");
            s.execute("INSERT INTO " + table + " (state) SELECT 'available' FROM generate_series(1, " + rows + ")");
            s.execute("CREATE INDEX ON " + table + " (id) WHERE state = 'available'");
            s.execute("ANALYZE " + table);
        }
        String sql = "UPDATE " + table + " SET state = 'done' WHERE id IN (SELECT id FROM " + table
                + " WHERE state = 'available' ORDER BY id LIMIT " + claimSize + " FOR UPDATE SKIP LOCKED)";
        AtomicLong done = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try (Connection c = DriverManager.getConnection(url, "postgres", ""); PreparedStatement ps = c.prepareStatement(sql)) {
                    int n;
                    while ((n = ps.executeUpdate()) > 0) done.addAndGet(n);
                } catch (SQLException e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (Thread t : ts) t.join();
        double rate = done.get() / ((System.nanoTime() - t0) / 1e9);
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + table);
        }
        return rate;
    }
}
