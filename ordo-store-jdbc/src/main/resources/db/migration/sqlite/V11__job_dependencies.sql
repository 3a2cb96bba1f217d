-- Jobs that wait on other jobs (see the PostgreSQL V11): one row per dependency of a job still
-- waiting on them, deleted when it is released or skipped; indexed by dependency.
CREATE TABLE ordo_job_deps (
    job_id         TEXT    NOT NULL,
    depends_on     TEXT    NOT NULL,
    run_on_failure INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, depends_on)
) WITHOUT ROWID;
CREATE INDEX ordo_job_deps_depends_on_idx ON ordo_job_deps (depends_on);
