-- Autovacuum settings for the tables every job's way through the queue rewrites. (V4 is another
-- change's; Flyway applies versions in order and allows the gap.)
--
-- A queue table turns over all its rows: each job is inserted, updated on claim and on completion,
-- and deleted when pruned. The defaults (vacuum at 20% dead rows + 50, analyze at 10% + 50) suit
-- tables that mostly grow; on a 1M-job backlog they let some 200k dead versions pile up before a
-- vacuum, and claims walk over them in the pending index, so the drain slows down. Here vacuum and
-- analyze start at 2% of the rows plus a fixed 1,000: small passes often, which each cost little
-- (the visibility map lets a vacuum skip pages that did not change), and planner statistics that follow
-- the backlog as it drains. The counters by parent and by scope follow the jobs. The counters by
-- queue and by type hold a few rows, each rewritten on every status change: a fraction of a few
-- rows is nothing, so they are vacuumed at a fixed 50 dead versions however many rows they grow to.
--
-- These only matter while autovacuum runs; when it is off Ordo's vacuum duty stands in (README,
-- "Table health").
ALTER TABLE ordo_jobs SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 1000);
ALTER TABLE ordo_job_logs SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.05, autovacuum_analyze_threshold = 1000);
ALTER TABLE ordo_events SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.05, autovacuum_analyze_threshold = 1000);
ALTER TABLE ordo_child_counts SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.05, autovacuum_analyze_threshold = 1000);
ALTER TABLE ordo_scope_counts SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.05, autovacuum_analyze_threshold = 1000);
ALTER TABLE ordo_job_counts SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 50);
ALTER TABLE ordo_job_type_counts SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 50);
