package io.ordo.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link DashboardData}'s history for a SQLite store: the same jobs, runs and logs, written with
 * SQLite's types (ids as UUID text, times as epoch milliseconds, JSON as text) by recursive
 * {@code INSERT ... SELECT}s; the store's row triggers keep its counters.
 */
final class DashboardSqliteData {
    private static final Duration SPAN = Duration.ofDays(6);
    /** A UUIDv7 as text from a millisecond {@code ms}, a variant nibble {@code tag} and a unique {@code n}. */
    private static final String V7 = "lower(substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' || substr(h, 17, 4) || '-' || substr(h, 21, 12))";

    private DashboardSqliteData() {
    }

    private static String hex(String ms, String tag, String n) {
        return "printf('%012x', " + ms + ") || '7' || printf('%03x', (" + n + ") % 4096) || " + tag + " || printf('%015x', " + n + ")";
    }

    static DashboardData.Fixture fill(Connection c, int jobs, Instant now, int chunk) throws SQLException {
        long end = now.toEpochMilli();
        long step = SPAN.toMillis() / jobs;
        long start = end - step * jobs;
        String plain = """
                WITH RECURSIVE g(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM g WHERE i < ?2),
                s AS (SELECT i, ?3 + i * ?4 AS t,
                             CASE WHEN i % 100000 = 50000 THEN 'audit.export'
                                  WHEN i % 100 < 40 THEN 'email.send' WHEN i % 100 < 60 THEN 'report.build'
                                  WHEN i % 100 < 80 THEN 'image.resize' WHEN i % 100 < 90 THEN 'sync.crm'
                                  ELSE 'billing.charge' END AS type,
                             CASE WHEN i >= ?5 - 20 THEN 'running' WHEN i >= ?5 - 10020 THEN 'pending'
                                  WHEN i >= ?5 - 15020 THEN 'scheduled'
                                  WHEN (i * 7919) % 1000 < 50 THEN 'failed' ELSE 'completed' END AS status
                      FROM g),
                f AS (SELECT s.*, HEX_ID AS id,
                             CASE WHEN status <> 'failed' OR i % 997 = 0 THEN NULL
                                  ELSE CASE (i / 7) % 4 WHEN 0 THEN 'connection refused: smtp.example.org:25' WHEN 1 THEN 'timed out after 30s'
                                            WHEN 2 THEN 'HTTP 503 from upstream' ELSE 'invalid payload: missing field ''to''' END END AS error
                      FROM (SELECT s.*, HEX AS h FROM s) s)
                INSERT INTO ordo_jobs (id, type, queue, priority, payload, status, attempt, max_attempts, run_at, lease_owner,
                    lease_until, root_id, depth, result, error, errors, created_at, started_at, finished_at, updated_at)
                SELECT id, type, CASE type WHEN 'email.send' THEN 'mail' WHEN 'report.build' THEN 'reports'
                                           WHEN 'image.resize' THEN 'media' ELSE 'default' END,
                       0, json_object('n', i, 'to', 'user' || (i % 5000) || '@example.org'), status,
                       CASE status WHEN 'failed' THEN 3 WHEN 'completed' THEN 1 WHEN 'running' THEN 1 ELSE 0 END, 3,
                       CASE status WHEN 'scheduled' THEN ?6 + (i % 86400) * 1000 ELSE t END,
                       CASE WHEN status = 'running' THEN 'bench-node' END,
                       CASE WHEN status = 'running' THEN ?6 + 86400000 END,
                       id, 0,
                       CASE WHEN status = 'completed' AND type = 'report.build' THEN json_object('rows', i % 5000, 'url', 's3://reports/' || i) END,
                       error,
                       CASE WHEN status = 'failed' THEN json_array(json_object('attempt', 3, 'owner', 'node-a',
                           'at', strftime('%Y-%m-%dT%H:%M:%fZ', (t + 2000) / 1000.0, 'unixepoch'), 'reason', 'error', 'message', error))
                            ELSE '[]' END,
                       t,
                       CASE WHEN status IN ('completed', 'failed', 'running') THEN t + 50 END,
                       CASE WHEN status IN ('completed', 'failed') THEN t + 50 + i % 2000 END,
                       t + 50 + i % 2000
                FROM f
                """.replace("HEX_ID", V7).replace("HEX", hex("t", "'8'", "i"));
        try (PreparedStatement ps = c.prepareStatement(plain)) {
            for (long from = 0; from < jobs; from += chunk) {
                long to = Math.min(jobs, from + chunk) - 1;
                ps.setLong(1, from);
                ps.setLong(2, to);
                ps.setLong(3, start);
                ps.setLong(4, step);
                ps.setLong(5, jobs);
                ps.setLong(6, end);
                ps.executeUpdate();
                c.commit();
                System.out.printf("  %,d / %,d jobs%n", to + 1, jobs);
            }
        }
        runs(c, DashboardData.DEFINITION, 1, 30, start, end, "'crawl', 'to_markdown', 'notify'", 300);
        runs(c, "nightly-report", 2, 60, start, end, "'query', 'render'", 0);
        logs(c);
        c.commit();
        return DashboardData.find(c);
    }

    /** Like {@link DashboardData}'s runs: roots, their steps (each a scope), crawl pages under the first step. */
    private static void runs(Connection c, String definition, int tag, int count, long start, long end, String steps, int children)
            throws SQLException {
        long every = (end - start) / count;
        try (Statement st = c.createStatement()) {
            st.executeUpdate(("""
                    WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < %d - 1),
                    r AS (SELECT k, %d + k * %d AS t FROM k),
                    x AS (SELECT r.*, %s AS id FROM (SELECT r.*, %s AS h FROM r) r)
                    INSERT INTO ordo_jobs (id, type, queue, payload, status, attempt, max_attempts, run_at, root_id, definition_id,
                        depth, error, created_at, started_at, finished_at, updated_at)
                    SELECT id, 'ordo.run', 'default', json_object('trigger', 'schedule', 'version', 1),
                           CASE WHEN k = %d - 1 THEN 'failed' ELSE 'completed' END, 0, 1, t, id, '%s', 0,
                           CASE WHEN k = %d - 1 THEN 'step ''notify'' failed' END, t, t, t + 90000, t + 90000
                    FROM x""").formatted(count, start + every / 2, every, V7, hex("t", "'" + Integer.toHexString(8 + tag) + "'", "k"),
                    count, definition, count));
            st.executeUpdate(("""
                    WITH s(name, n) AS (SELECT value, key + 1 FROM json_each(json_array(%s))),
                    r AS (SELECT id AS run, created_at AS t0, rowid AS rn FROM ordo_jobs
                          WHERE type = 'ordo.run' AND parent_id IS NULL AND definition_id = '%s'),
                    x AS (SELECT run, name, t, %s AS id
                          FROM (SELECT r.run, s.name, r.t0 + 10 * s.n AS t, %s AS h FROM r CROSS JOIN s))
                    INSERT INTO ordo_jobs (id, type, queue, payload, status, attempt, max_attempts, run_at, parent_id, root_id,
                        definition_id, step, depth, result, created_at, started_at, finished_at, updated_at, scope_id, dedup_key)
                    SELECT id, 'ordo.step.noop', 'default', '{}', 'completed', 1, 3, t, run, run, '%s', name, 1,
                           json_object('step', name), t, t, t + 1000, t + 1000, id, 'step:' || name || '#1'
                    FROM x""").formatted(steps, definition, V7, hex("r.t0 + 10 * s.n", "'c'", tag + " * 100000 + s.n * 1000 + r.rn % 1000"),
                    definition));
            if (children == 0) return;
            st.executeUpdate(("""
                    WITH RECURSIVE p(p) AS (SELECT 1 UNION ALL SELECT p + 1 FROM p WHERE p < %d),
                    s AS (SELECT id, root_id, created_at, rowid AS sn FROM ordo_jobs
                          WHERE definition_id = '%s' AND step = 'crawl' AND parent_id IS NOT NULL),
                    x AS (SELECT s.*, p, s.created_at + 50 + p AS t, CASE WHEN p %% 50 = 0 THEN 'failed' ELSE 'completed' END AS status,
                                 %s AS cid
                          FROM (SELECT s.*, p.p, %s AS h FROM s CROSS JOIN p) s)
                    INSERT INTO ordo_jobs (id, type, queue, payload, status, attempt, max_attempts, run_at, parent_id, root_id,
                        definition_id, depth, result, error, created_at, started_at, finished_at, updated_at, scope_id, dedup_key)
                    SELECT cid, 'ordo.crawl.page', 'default', json_object('url', 'http://docs.example.org/p' || p), status, 1, 3, t,
                           id, root_id, '%s', 2,
                           CASE WHEN status = 'completed' THEN json_object('url', 'http://docs.example.org/p' || p, 'bytes', 1000 + p) END,
                           CASE WHEN status = 'failed' THEN 'HTTP 404' END, t, t, t + 300, t + 300, id, 'url:/p' || p
                    FROM x""").formatted(children, definition, V7, hex("s.created_at + 50 + p.p", "'d'", "s.sn * 10000 + p.p"), definition));
        }
    }

    /** Five lines on about 5% of the finished jobs, and 3,000 on the logged job. */
    private static void logs(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("""
                    WITH RECURSIVE n(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM n WHERE n < 4)
                    INSERT INTO ordo_job_logs (job_id, attempt, at, level, message)
                    SELECT j.id, 1, j.created_at + n * 10, CASE WHEN n = 4 THEN 'warn' ELSE 'info' END, 'step ' || n || ' of ' || j.type
                    FROM ordo_jobs j CROSS JOIN n
                    WHERE (unicode(substr(j.id, 35, 1)) + unicode(substr(j.id, 36, 1))) % 20 = 0 AND j.status IN ('completed', 'failed')
                    """);
            st.executeUpdate("""
                    WITH RECURSIVE n(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM n WHERE n < 3000)
                    INSERT INTO ordo_job_logs (job_id, attempt, at, level, message)
                    SELECT id, 1 + n / 1000, created_at + n, 'info', 'fetched page ' || n
                    FROM (SELECT id, created_at FROM ordo_jobs WHERE status = 'failed' AND type = 'report.build' ORDER BY id LIMIT 1
                          OFFSET (SELECT count(*) / 2 FROM ordo_jobs WHERE status = 'failed' AND type = 'report.build')) j CROSS JOIN n
                    """);
        }
    }
}
