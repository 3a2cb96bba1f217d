-- Operational tables: the event log, queue flags, per-node queue minutes, nodes, settings; and on
-- jobs the webhook a job names and when its delivery was queued. Nothing here is written by claim
-- or complete: the webhook index below is partial on webhook_url, which plain jobs leave null.

-- ids come from the identity in commit order: appends take an advisory lock for their whole
-- transaction (see EventLogSql), so a reader polling id > last never skips a late commit
CREATE TABLE ordo_events (
    id      bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type    text        NOT NULL,
    job_id  uuid,
    root_id uuid,
    payload jsonb       NOT NULL,
    at      timestamptz NOT NULL
);
-- eventsAfter walks the primary key; pruning by time uses this one
CREATE INDEX ordo_events_at_idx ON ordo_events (at);

CREATE TABLE ordo_queue_flags (
    queue      text        PRIMARY KEY,
    paused     boolean     NOT NULL,
    updated_at timestamptz NOT NULL
);

-- each node upserts its own running totals per queue and minute; readers add the nodes up
CREATE TABLE ordo_queue_minutes (
    node      text        NOT NULL,
    queue     text        NOT NULL,
    minute    timestamptz NOT NULL,
    completed bigint      NOT NULL,
    failed    bigint      NOT NULL,
    run_ms    bigint      NOT NULL,
    latency   jsonb       NOT NULL, -- start-latency histogram: counts per QueueMinute.LATENCY_BOUNDS_MS bucket
    PRIMARY KEY (node, queue, minute)
);
CREATE INDEX ordo_queue_minutes_minute_idx ON ordo_queue_minutes (minute);

CREATE TABLE ordo_nodes (
    id         text        PRIMARY KEY,
    host       text,
    pid        bigint      NOT NULL,
    version    text,
    started_at timestamptz NOT NULL,
    seen_at    timestamptz NOT NULL,
    stopped_at timestamptz,
    queues     jsonb       NOT NULL,
    types      jsonb       NOT NULL,
    running    integer     NOT NULL,
    slots      integer     NOT NULL
);

CREATE TABLE ordo_settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- no default value: adding the columns rewrites nothing
ALTER TABLE ordo_jobs ADD COLUMN webhook_url text;
ALTER TABLE ordo_jobs ADD COLUMN webhook_queued_at timestamptz;
-- webhooksDue: terminal jobs whose webhook is not queued yet, oldest finished first; jobs without a
-- webhook (nearly all) never enter it
CREATE INDEX ordo_jobs_webhook_due_idx ON ordo_jobs (finished_at)
    WHERE webhook_url IS NOT NULL AND webhook_queued_at IS NULL
      AND status IN ('completed', 'failed', 'cancelled', 'skipped');
