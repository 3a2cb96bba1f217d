-- What the dashboard reads without walking ordo_jobs: a definition's runs and a type's failed jobs
-- through partial indexes, and job counts by type and status beside those by queue and status, so that a listing filtered by
-- a type or queue that has no (matching) jobs is answered from the counters. Listing by queue or
-- type alone still walks the primary key newest first when jobs match; see README, "Performance".

-- definitionRuns: the runs of one definition, newest first (the query names the type as a literal)
CREATE INDEX ordo_jobs_runs_idx ON ordo_jobs (definition_id, id) WHERE type = 'ordo.run' AND parent_id IS NULL;
-- the dead-letter view's groups: failed jobs of a type (and error), newest first; only failed jobs enter it
CREATE INDEX ordo_jobs_failed_idx ON ordo_jobs (type, id) WHERE status = 'failed';

-- The counters gain the type in their key instead of a second table: SQLite's triggers run per row,
-- and a second table would double the upserts of every status change (a 100-row status flip took
-- 15% more CPU that way, 2% this way). Readers sum over what they do not name, as they sum slots.
CREATE TABLE ordo_job_counts_v3 (
    queue  TEXT    NOT NULL,
    type   TEXT    NOT NULL,
    status TEXT    NOT NULL,
    slot   INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (queue, type, status, slot)
);

INSERT INTO ordo_job_counts_v3 (queue, type, status, slot, n)
SELECT queue, type, status, 0, count(*) FROM ordo_jobs GROUP BY queue, type, status;

DROP TRIGGER ordo_jobs_count_insert;
DROP TRIGGER ordo_jobs_count_update;
DROP TRIGGER ordo_jobs_count_delete;
DROP TABLE ordo_job_counts;
ALTER TABLE ordo_job_counts_v3 RENAME TO ordo_job_counts;

-- upserts change only n, so this index is written only when a (queue, type, status) first appears
CREATE INDEX ordo_job_counts_type_idx ON ordo_job_counts (type, status);
-- the name PostgreSQL's separate table has, so that both stores read counts by type the same way
CREATE VIEW ordo_job_type_counts AS SELECT type, status, slot, n FROM ordo_job_counts;

CREATE TRIGGER ordo_jobs_count_insert AFTER INSERT ON ordo_jobs
BEGIN
    INSERT INTO ordo_job_counts (queue, type, status, slot, n) VALUES (NEW.queue, NEW.type, NEW.status, 0, 1)
    ON CONFLICT (queue, type, status, slot) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ordo_jobs_count_update AFTER UPDATE OF status ON ordo_jobs
WHEN OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO ordo_job_counts (queue, type, status, slot, n) VALUES (OLD.queue, OLD.type, OLD.status, 0, -1)
    ON CONFLICT (queue, type, status, slot) DO UPDATE SET n = n - 1;
    INSERT INTO ordo_job_counts (queue, type, status, slot, n) VALUES (NEW.queue, NEW.type, NEW.status, 0, 1)
    ON CONFLICT (queue, type, status, slot) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ordo_jobs_count_delete AFTER DELETE ON ordo_jobs
BEGIN
    INSERT INTO ordo_job_counts (queue, type, status, slot, n) VALUES (OLD.queue, OLD.type, OLD.status, 0, -1)
    ON CONFLICT (queue, type, status, slot) DO UPDATE SET n = n - 1;
END;
