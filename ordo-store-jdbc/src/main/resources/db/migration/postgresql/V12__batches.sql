-- Batches with callbacks (issue 11): a batch is a job of type 'ordo.batch' whose children are the
-- batch's jobs, so it needs no table of its own. Listing the batches newest first would walk
-- ordo_jobs by its primary key until it met enough of them; this partial index holds only batch
-- jobs (the query names the type as a literal), so a plain job's insert, claim and completion
-- never write it.
CREATE INDEX ordo_jobs_batches_idx ON ordo_jobs (id) WHERE type = 'ordo.batch';
