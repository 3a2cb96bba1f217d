package io.ordo.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Fills a freshly migrated PostgreSQL store with a realistic history for {@link DashboardBench}:
 * five busy types in four queues plus a rare one, mostly completed, 5% failed with a few errors
 * per type, the newest jobs pending, scheduled or running, definition runs with steps and crawl
 * children, results and log lines. Plain SQL in large {@code INSERT ... SELECT} statements: the
 * store's statement-level triggers fire per statement, so its counters stay right.
 */
final class DashboardData {
    static final String RARE_TYPE = "audit.export";
    static final String EMPTY_QUEUE = "archive";
    static final String MISSING_TYPE = "no.such.type";
    static final String DEFINITION = "site-docs";

    /** Ids and names the benchmark's calls use. */
    record Fixture(UUID failedJob, UUID loggedJob, UUID run, UUID crawlStep, String commonError, String rareError) {
    }

    private static final Duration SPAN = Duration.ofDays(6); // within the default retention: nothing gets pruned

    private DashboardData() {
    }

    /**
     * {@code jobs} plain jobs spread over the last six days, newest ids at {@code now}, plus
     * definition runs ({@value #DEFINITION}: 30 runs of 3 steps, the crawl step with 300 children;
     * {@code nightly-report}: 60 runs of 2 steps). {@code c} must have the store's schema on its search path.
     */
    static Fixture fill(Connection c, int jobs, Instant now, int chunk) throws SQLException {
        long end = now.toEpochMilli();
        long step = SPAN.toMillis() / jobs;
        long start = end - step * jobs;
        try (Statement st = c.createStatement()) {
            // a UUIDv7 like the store's: 48-bit millisecond, version 7, 12 bits, variant nibble 8-b, a unique tail
            st.execute("""
                    CREATE OR REPLACE FUNCTION pg_temp.v7(ms bigint, tag text, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
                      SELECT (lpad(to_hex(ms), 12, '0') || '7' || lpad(to_hex(n % 4096), 3, '0') || tag || lpad(to_hex(n), 15, '0'))::uuid
                    $$""");
            st.execute("""
                    CREATE OR REPLACE FUNCTION pg_temp.ts(ms bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
                      SELECT timestamptz 'epoch' + ms * interval '1 millisecond'
                    $$""");
        }
        String plain = """
                INSERT INTO ordo_jobs (id, type, queue, priority, payload, status, attempt, max_attempts, run_at, lease_owner,
                    lease_until, root_id, depth, result, error, errors, created_at, started_at, finished_at, updated_at)
                SELECT id, type, CASE type WHEN 'email.send' THEN 'mail' WHEN 'report.build' THEN 'reports'
                                           WHEN 'image.resize' THEN 'media' ELSE 'default' END,
                       0, jsonb_build_object('n', i, 'to', 'user' || (i % 5000) || '@example.org'), status,
                       CASE status WHEN 'failed' THEN 3 WHEN 'completed' THEN 1 WHEN 'running' THEN 1 ELSE 0 END, 3,
                       CASE status WHEN 'scheduled' THEN pg_temp.ts(?::bigint + (i % 86400) * 1000) ELSE t END,
                       CASE WHEN status = 'running' THEN 'bench-node' END,
                       CASE WHEN status = 'running' THEN pg_temp.ts(?::bigint + 86400000) END,
                       id, 0,
                       CASE WHEN status = 'completed' AND type = 'report.build' THEN jsonb_build_object('rows', i % 5000, 'url', 's3://reports/' || i) END,
                       error,
                       CASE WHEN status = 'failed' THEN jsonb_build_array(jsonb_build_object('attempt', 3, 'owner', 'node-a',
                           'at', to_char(t + interval '2 seconds', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'reason', 'error', 'message', error))
                            ELSE '[]'::jsonb END,
                       t,
                       CASE WHEN status IN ('completed', 'failed', 'running') THEN t + interval '50 milliseconds' END,
                       CASE WHEN status IN ('completed', 'failed') THEN t + (50 + i % 2000) * interval '1 millisecond' END,
                       t + (50 + i % 2000) * interval '1 millisecond'
                FROM (SELECT i, id, t, type, status,
                             CASE WHEN status <> 'failed' OR i % 997 = 0 THEN NULL
                                  ELSE (ARRAY['connection refused: smtp.example.org:25', 'timed out after 30s',
                                              'HTTP 503 from upstream', 'invalid payload: missing field ''to'''])[1 + (i / 7) % 4] END AS error
                      FROM (SELECT i, pg_temp.v7(ms, '8', i) AS id, pg_temp.ts(ms) AS t,
                                   CASE WHEN i % 100000 = 50000 THEN 'audit.export'
                                        WHEN i % 100 < 40 THEN 'email.send' WHEN i % 100 < 60 THEN 'report.build'
                                        WHEN i % 100 < 80 THEN 'image.resize' WHEN i % 100 < 90 THEN 'sync.crm'
                                        ELSE 'billing.charge' END AS type,
                                   CASE WHEN i >= ? - 20 THEN 'running' WHEN i >= ? - 10020 THEN 'pending'
                                        WHEN i >= ? - 15020 THEN 'scheduled'
                                        WHEN (i * 7919) % 1000 < 50 THEN 'failed' ELSE 'completed' END AS status
                            FROM (SELECT i, ?::bigint + i * ?::bigint AS ms FROM generate_series(?::bigint, ?::bigint) AS i) g) s) f
                """;
        try (PreparedStatement ps = c.prepareStatement(plain)) {
            for (long from = 0; from < jobs; from += chunk) {
                long to = Math.min(jobs, from + chunk) - 1;
                int p = 1;
                ps.setLong(p++, end);
                ps.setLong(p++, end);
                ps.setLong(p++, jobs);
                ps.setLong(p++, jobs);
                ps.setLong(p++, jobs);
                ps.setLong(p++, start);
                ps.setLong(p++, step);
                ps.setLong(p++, from);
                ps.setLong(p, to);
                ps.executeUpdate();
                c.commit();
                System.out.printf("  %,d / %,d jobs%n", to + 1, jobs);
            }
        }
        runs(c, DEFINITION, 1, 30, start, end, new String[]{"crawl", "to_markdown", "notify"}, 300);
        runs(c, "nightly-report", 2, 60, start, end, new String[]{"query", "render"}, 0);
        logs(c);
        c.commit();
        return find(c);
    }

    /**
     * {@code count} runs of {@code definition} spread over the history: a root of type ordo.run, its
     * steps (each a scope), and {@code children} crawl pages under the first step. The newest run failed.
     */
    private static void runs(Connection c, String definition, int tag, int count, long start, long end, String[] steps,
                             int children) throws SQLException {
        long every = (end - start) / count;
        String runs = """
                INSERT INTO ordo_jobs (id, type, queue, payload, status, attempt, max_attempts, run_at, root_id, definition_id,
                    depth, error, created_at, started_at, finished_at, updated_at, dedup_key)
                SELECT id, 'ordo.run', 'default', jsonb_build_object('trigger', 'schedule', 'version', 1),
                       CASE WHEN k = ? - 1 THEN 'failed' ELSE 'completed' END, 0, 1, t, id, ?, 0,
                       CASE WHEN k = ? - 1 THEN 'step ''notify'' failed' END, t, t, t + interval '90 seconds', t + interval '90 seconds', NULL
                FROM (SELECT k, pg_temp.v7(?::bigint + k * ?::bigint, ?, k) AS id, pg_temp.ts(?::bigint + k * ?::bigint) AS t
                      FROM generate_series(0, ? - 1) AS k) r
                """;
        try (PreparedStatement ps = c.prepareStatement(runs)) {
            int p = 1;
            ps.setInt(p++, count);
            ps.setString(p++, definition);
            ps.setInt(p++, count);
            ps.setLong(p++, start + every / 2);
            ps.setLong(p++, every);
            ps.setString(p++, Integer.toHexString(8 + tag));
            ps.setLong(p++, start + every / 2);
            ps.setLong(p++, every);
            ps.setInt(p, count);
            ps.executeUpdate();
        }
        // steps: 10 ms apart after their run, each the scope of its own children
        String stepSql = """
                INSERT INTO ordo_jobs (id, type, queue, payload, status, attempt, max_attempts, run_at, parent_id, root_id,
                    definition_id, step, depth, result, created_at, started_at, finished_at, updated_at, scope_id, dedup_key)
                SELECT id, 'ordo.step.noop', 'default', '{}'::jsonb, 'completed', 1, 3, t, r.id_run, r.id_run, r.definition_id,
                       s.name, 1, jsonb_build_object('step', s.name), t, t, t + interval '1 second', t + interval '1 second', id,
                       'step:' || s.name || '#1'
                FROM (SELECT j.id AS id_run, j.definition_id, j.created_at FROM ordo_jobs j
                      WHERE j.type = 'ordo.run' AND j.parent_id IS NULL AND j.definition_id = ?) r
                CROSS JOIN LATERAL (SELECT name, n FROM unnest(?::text[]) WITH ORDINALITY AS u(name, n)) s
                CROSS JOIN LATERAL (SELECT pg_temp.v7(floor(extract(epoch FROM r.created_at) * 1000)::bigint + 10 * s.n,
                                                      'c', ? * 100000 + s.n * 1000 + (get_byte(uuid_send(r.id_run), 15))) AS id,
                                           r.created_at + s.n * interval '10 milliseconds' AS t) x
                """;
        try (PreparedStatement ps = c.prepareStatement(stepSql)) {
            ps.setString(1, definition);
            ps.setArray(2, c.createArrayOf("text", steps));
            ps.setInt(3, tag);
            ps.executeUpdate();
        }
        if (children == 0) return;
        // crawl pages under the first step, one millisecond apart; every 50th failed
        String pages = """
                INSERT INTO ordo_jobs (id, type, queue, payload, status, attempt, max_attempts, run_at, parent_id, root_id,
                    definition_id, depth, result, error, created_at, started_at, finished_at, updated_at, scope_id, dedup_key)
                SELECT x.id, 'ordo.crawl.page', 'default', jsonb_build_object('url', 'http://docs.example.org/p' || p), x.status,
                       1, 3, x.t, s.id, s.root_id, s.definition_id, 2,
                       CASE WHEN x.status = 'completed' THEN jsonb_build_object('url', 'http://docs.example.org/p' || p, 'bytes', 1000 + p) END,
                       CASE WHEN x.status = 'failed' THEN 'HTTP 404' END,
                       x.t, x.t, x.t + interval '300 milliseconds', x.t + interval '300 milliseconds', s.id, 'url:/p' || p
                FROM (SELECT id, root_id, definition_id, created_at FROM ordo_jobs
                      WHERE definition_id = ? AND step = ? AND parent_id IS NOT NULL) s
                CROSS JOIN generate_series(1, ?) AS p
                CROSS JOIN LATERAL (SELECT pg_temp.v7(floor(extract(epoch FROM s.created_at) * 1000)::bigint + 50 + p, 'd',
                                                      (get_byte(uuid_send(s.id), 15) * 256 + get_byte(uuid_send(s.id), 14)) * 10000 + p) AS id,
                                           s.created_at + (50 + p) * interval '1 millisecond' AS t,
                                           CASE WHEN p % 50 = 0 THEN 'failed' ELSE 'completed' END AS status) x
                """;
        try (PreparedStatement ps = c.prepareStatement(pages)) {
            ps.setString(1, definition);
            ps.setString(2, steps[0]);
            ps.setInt(3, children);
            ps.executeUpdate();
        }
    }

    /** Five lines on about 5% of the jobs, and 3,000 on one failed job (the logged job). */
    private static void logs(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("""
                    INSERT INTO ordo_job_logs (job_id, attempt, at, level, message)
                    SELECT j.id, 1, j.created_at + n * interval '10 milliseconds', CASE WHEN n = 4 THEN 'warn' ELSE 'info' END,
                           'step ' || n || ' of ' || j.type
                    FROM ordo_jobs j CROSS JOIN generate_series(0, 4) AS n
                    WHERE get_byte(uuid_send(j.id), 15) < 13 AND j.status IN ('completed', 'failed')
                    """);
            st.executeUpdate("""
                    INSERT INTO ordo_job_logs (job_id, attempt, at, level, message)
                    SELECT id, 1 + n / 1000, created_at + n * interval '1 millisecond', 'info', 'fetched page ' || n
                    FROM (SELECT id, created_at FROM ordo_jobs WHERE status = 'failed' AND type = 'report.build'
                          ORDER BY id LIMIT 1
                          OFFSET (SELECT count(*) / 2 FROM ordo_jobs WHERE status = 'failed' AND type = 'report.build')) j CROSS JOIN generate_series(1, 3000) AS n
                    """);
        }
    }

    /** The fixture of a filled store. */
    static Fixture find(Connection c) throws SQLException {
        UUID failed = one(c, "SELECT id FROM ordo_jobs WHERE status = 'failed' AND type = 'report.build' ORDER BY id LIMIT 1 "
                + "OFFSET (SELECT count(*) / 2 FROM ordo_jobs WHERE status = 'failed' AND type = 'report.build')");
        UUID run = one(c, "SELECT id FROM ordo_jobs WHERE type = 'ordo.run' AND parent_id IS NULL AND definition_id = '"
                + DEFINITION + "' ORDER BY id LIMIT 1 OFFSET 14");
        UUID crawl = one(c, "SELECT id FROM ordo_jobs WHERE parent_id = '" + run + "' AND step = 'crawl'");
        return new Fixture(failed, failed, run, crawl, text(c, "SELECT error FROM ordo_jobs WHERE id = '" + failed + "'"),
                text(c, "SELECT error FROM ordo_jobs WHERE type = '" + RARE_TYPE + "' AND status = 'failed' AND error IS NOT NULL ORDER BY id LIMIT 1"));
    }

    private static String text(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) throw new IllegalStateException("fixture query found nothing: " + sql);
            return rs.getString(1);
        }
    }

    private static UUID one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) throw new IllegalStateException("fixture query found nothing: " + sql);
            return UUID.fromString(rs.getString(1));
        }
    }
}
