-- Capabilities and routing. A job's requirements as canonical text: its key=value pairs sorted by
-- key and joined by commas, '' for none. A node claims with the canonical text of every subset of
-- its own capabilities (requires = ANY(keys)): a filter on the rows the claim index already finds in
-- claim order, so the index stays the claim's access path. Adding a NOT NULL column with a constant
-- default rewrites no row (PostgreSQL 11+).
ALTER TABLE ordo_jobs ADD COLUMN requires text NOT NULL DEFAULT '';
-- what each node offers, shown in the cluster view and used to tell why a job waits
ALTER TABLE ordo_nodes ADD COLUMN capabilities jsonb NOT NULL DEFAULT '{}';
