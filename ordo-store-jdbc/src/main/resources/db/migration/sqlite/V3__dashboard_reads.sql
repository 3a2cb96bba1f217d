-- What the dashboard reads without walking ordo_jobs: a definition's runs through a partial index,
-- and job counts by type and status beside those by queue and status, so that a listing filtered by
-- a type or queue that has no (matching) jobs is answered from the counters. Listing by queue or
-- type alone still walks the primary key newest first when jobs match; see README, "Performance".

-- definitionRuns: the runs of one definition, newest first (the query names the type as a literal)
CREATE INDEX ordo_jobs_runs_idx ON ordo_jobs (definition_id, id) WHERE type = 'ordo.run' AND parent_id IS NULL;

-- one writer, so one slot (0), like ordo_job_counts
CREATE TABLE ordo_job_type_counts (
    type   TEXT    NOT NULL,
    status TEXT    NOT NULL,
    slot   INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (type, status, slot)
);

INSERT INTO ordo_job_type_counts (type, status, slot, n)
SELECT type, status, 0, count(*) FROM ordo_jobs GROUP BY type, status;

-- V1's counting triggers, each now keeping both counters: one trigger program per row, not two
DROP TRIGGER ordo_jobs_count_insert;
DROP TRIGGER ordo_jobs_count_update;
DROP TRIGGER ordo_jobs_count_delete;

CREATE TRIGGER ordo_jobs_count_insert AFTER INSERT ON ordo_jobs
BEGIN
    INSERT INTO ordo_job_counts (queue, status, slot, n) VALUES (NEW.queue, NEW.status, 0, 1)
    ON CONFLICT (queue, status, slot) DO UPDATE SET n = n + 1;
    INSERT INTO ordo_job_type_counts (type, status, slot, n) VALUES (NEW.type, NEW.status, 0, 1)
    ON CONFLICT (type, status, slot) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ordo_jobs_count_update AFTER UPDATE OF status ON ordo_jobs
WHEN OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO ordo_job_counts (queue, status, slot, n) VALUES (OLD.queue, OLD.status, 0, -1)
    ON CONFLICT (queue, status, slot) DO UPDATE SET n = n - 1;
    INSERT INTO ordo_job_counts (queue, status, slot, n) VALUES (NEW.queue, NEW.status, 0, 1)
    ON CONFLICT (queue, status, slot) DO UPDATE SET n = n + 1;
    INSERT INTO ordo_job_type_counts (type, status, slot, n) VALUES (OLD.type, OLD.status, 0, -1)
    ON CONFLICT (type, status, slot) DO UPDATE SET n = n - 1;
    INSERT INTO ordo_job_type_counts (type, status, slot, n) VALUES (NEW.type, NEW.status, 0, 1)
    ON CONFLICT (type, status, slot) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ordo_jobs_count_delete AFTER DELETE ON ordo_jobs
BEGIN
    INSERT INTO ordo_job_counts (queue, status, slot, n) VALUES (OLD.queue, OLD.status, 0, -1)
    ON CONFLICT (queue, status, slot) DO UPDATE SET n = n - 1;
    INSERT INTO ordo_job_type_counts (type, status, slot, n) VALUES (OLD.type, OLD.status, 0, -1)
    ON CONFLICT (type, status, slot) DO UPDATE SET n = n - 1;
END;
