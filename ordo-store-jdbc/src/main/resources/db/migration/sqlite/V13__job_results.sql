-- Several results per job: each saveResult appends a row (its id orders them and pages listings).
-- The saving job's root, parent and scope are copied in so that a tree's, a scope's or a parent's
-- results are listed and counted through an index, never by walking the jobs. The job's own
-- result column stays its main result.
CREATE TABLE ordo_job_results (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id     TEXT    NOT NULL REFERENCES ordo_jobs (id) ON DELETE CASCADE,
    root_id    TEXT    NOT NULL,
    parent_id  TEXT,
    scope_id   TEXT,
    title      TEXT,
    reference  TEXT,
    data       TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER
);
CREATE INDEX ordo_job_results_job_idx ON ordo_job_results (job_id, id);
CREATE INDEX ordo_job_results_root_idx ON ordo_job_results (root_id, id);
CREATE INDEX ordo_job_results_parent_idx ON ordo_job_results (parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX ordo_job_results_scope_idx ON ordo_job_results (scope_id, id) WHERE scope_id IS NOT NULL;
-- the expiry duty deletes the oldest expired rows in batches
CREATE INDEX ordo_job_results_expiry_idx ON ordo_job_results (expires_at) WHERE expires_at IS NOT NULL;
