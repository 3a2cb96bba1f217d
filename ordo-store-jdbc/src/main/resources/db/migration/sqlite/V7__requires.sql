-- Capabilities and routing (see the PostgreSQL V7): a job's requirements as canonical text
-- (sorted key=value pairs joined by commas, '' for none), and the capabilities each node offers.
ALTER TABLE ordo_jobs ADD COLUMN requires TEXT NOT NULL DEFAULT '';
ALTER TABLE ordo_nodes ADD COLUMN capabilities TEXT NOT NULL DEFAULT '{}';
