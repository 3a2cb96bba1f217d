-- Batches with callbacks (issue 11): see the PostgreSQL migration V12. Only batch jobs are in this
-- index, which lists them newest first without walking ordo_jobs.
CREATE INDEX ordo_jobs_batches_idx ON ordo_jobs (id) WHERE type = 'ordo.batch';
