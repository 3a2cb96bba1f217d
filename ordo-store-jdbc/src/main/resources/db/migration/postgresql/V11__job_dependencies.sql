-- Jobs that wait on other jobs (depends_on): one row per dependency of a job still waiting on them.
-- The rows of a dependant are deleted when it is released (pending) or skipped, so the table holds
-- only live waits: the leader's sweep pages over it by job_id, and the node where a job ends finds
-- the jobs waiting on it through the index on depends_on. No foreign key on depends_on: a dependency
-- pruned after it ended counts as completed.
CREATE TABLE ordo_job_deps (
    job_id         uuid    NOT NULL,
    depends_on     uuid    NOT NULL,
    run_on_failure boolean NOT NULL DEFAULT false,
    PRIMARY KEY (job_id, depends_on)
);
CREATE INDEX ordo_job_deps_depends_on_idx ON ordo_job_deps (depends_on);
