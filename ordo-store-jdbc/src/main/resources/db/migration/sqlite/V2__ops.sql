-- Operational tables: the event log, queue flags, per-node queue minutes, nodes, settings; and on
-- jobs the webhook a job names and when its delivery was queued. Nothing here is written by claim
-- or complete: the webhook index below is partial on webhook_url, which plain jobs leave null.

-- AUTOINCREMENT: ids are never reused, even once every event was pruned (readers resume after an id).
-- One writer at a time: ids are assigned, and committed, in order.
CREATE TABLE ordo_events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    type    TEXT    NOT NULL,
    job_id  TEXT,
    root_id TEXT,
    payload TEXT    NOT NULL,
    at      INTEGER NOT NULL
);
-- eventsAfter walks the rowid; pruning by time uses this one
CREATE INDEX ordo_events_at_idx ON ordo_events (at);

CREATE TABLE ordo_queue_flags (
    queue      TEXT    PRIMARY KEY NOT NULL,
    paused     INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ordo_queue_minutes (
    node      TEXT    NOT NULL,
    queue     TEXT    NOT NULL,
    minute    INTEGER NOT NULL,
    completed INTEGER NOT NULL,
    failed    INTEGER NOT NULL,
    run_ms    INTEGER NOT NULL,
    latency   TEXT    NOT NULL, -- start-latency histogram (JSON array): counts per QueueMinute.LATENCY_BOUNDS_MS bucket
    PRIMARY KEY (node, queue, minute)
) WITHOUT ROWID;
CREATE INDEX ordo_queue_minutes_minute_idx ON ordo_queue_minutes (minute);

CREATE TABLE ordo_nodes (
    id         TEXT    PRIMARY KEY NOT NULL,
    host       TEXT,
    pid        INTEGER NOT NULL,
    version    TEXT,
    started_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL,
    stopped_at INTEGER,
    queues     TEXT    NOT NULL,
    types      TEXT    NOT NULL,
    running    INTEGER NOT NULL,
    slots      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ordo_settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

ALTER TABLE ordo_jobs ADD COLUMN webhook_url TEXT;
ALTER TABLE ordo_jobs ADD COLUMN webhook_queued_at INTEGER;
CREATE INDEX ordo_jobs_webhook_due_idx ON ordo_jobs (finished_at)
    WHERE webhook_url IS NOT NULL AND webhook_queued_at IS NULL
      AND status IN ('completed', 'failed', 'cancelled', 'skipped');
