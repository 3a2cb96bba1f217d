-- Ordo job store, SQLite. Ids are canonical lower-case UUID text (text order = UUIDv7 time order),
-- times are INTEGER epoch milliseconds, durations INTEGER milliseconds, JSON is TEXT.

CREATE TABLE ordo_jobs (
    id                TEXT    PRIMARY KEY NOT NULL,
    type              TEXT    NOT NULL,
    queue             TEXT    NOT NULL,
    priority          INTEGER NOT NULL DEFAULT 0,
    payload           TEXT,
    status            TEXT    NOT NULL
        CHECK (status IN ('scheduled', 'pending', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'skipped')),
    attempt           INTEGER NOT NULL DEFAULT 0,
    max_attempts      INTEGER NOT NULL,
    run_at            INTEGER NOT NULL,
    lease_owner       TEXT,
    lease_until       INTEGER,
    timeout_ms        INTEGER,
    parent_id         TEXT,
    root_id           TEXT    NOT NULL,
    definition_id     TEXT,
    step              TEXT,
    depth             INTEGER NOT NULL DEFAULT 0,
    progress_current  INTEGER NOT NULL DEFAULT 0,
    progress_total    INTEGER NOT NULL DEFAULT 0,
    progress_text     TEXT,
    result            TEXT,
    result_expires_at INTEGER,
    result_ttl_ms     INTEGER,
    error             TEXT,
    errors            TEXT    NOT NULL DEFAULT '[]',
    unique_key        TEXT,
    cache_key         TEXT,
    tags              TEXT    NOT NULL DEFAULT '[]',
    backoff_base_ms   INTEGER,
    backoff_cap_ms    INTEGER,
    cancel_requested  INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    started_at        INTEGER,
    finished_at       INTEGER,
    updated_at        INTEGER NOT NULL,
    -- trees of jobs: scope (a step job's id), dedup key (unique per root tree, any state), a scope
    -- job's ChildPolicy (JSON) and spawn count, the engine's flags (JSON object)
    scope_id          TEXT,
    dedup_key         TEXT,
    child_policy      TEXT,
    spawned           INTEGER NOT NULL DEFAULT 0,
    meta              TEXT    NOT NULL DEFAULT '{}'
);

CREATE INDEX ordo_jobs_claim_idx ON ordo_jobs (queue, priority, run_at, id) WHERE status = 'pending';
CREATE UNIQUE INDEX ordo_jobs_unique_live_idx ON ordo_jobs (unique_key)
    WHERE unique_key IS NOT NULL AND status IN ('scheduled', 'pending', 'running', 'waiting');
CREATE INDEX ordo_jobs_cache_idx ON ordo_jobs (cache_key, finished_at DESC)
    WHERE cache_key IS NOT NULL AND status = 'completed';
CREATE INDEX ordo_jobs_status_idx ON ordo_jobs (status, id);
CREATE INDEX ordo_jobs_parent_idx ON ordo_jobs (parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX ordo_jobs_root_idx ON ordo_jobs (root_id, id) WHERE parent_id IS NOT NULL;
-- partial, so that plain jobs never write them
CREATE UNIQUE INDEX ordo_jobs_dedup_idx ON ordo_jobs (root_id, dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX ordo_jobs_scope_idx ON ordo_jobs (scope_id, id) WHERE scope_id IS NOT NULL;
CREATE INDEX ordo_jobs_promote_idx ON ordo_jobs (run_at) WHERE status = 'scheduled';
CREATE INDEX ordo_jobs_result_expiry_idx ON ordo_jobs (result_expires_at)
    WHERE result IS NOT NULL AND result_expires_at IS NOT NULL;

-- AUTOINCREMENT: log sequence numbers are never reused, even after the newest lines are deleted
CREATE TABLE ordo_job_logs (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id  TEXT    NOT NULL REFERENCES ordo_jobs (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    at      INTEGER NOT NULL,
    level   TEXT    NOT NULL,
    message TEXT    NOT NULL
);
CREATE INDEX ordo_job_logs_job_idx ON ordo_job_logs (job_id, seq);

-- Counters by queue and status (one writer, so one slot: 0), kept by row triggers.
CREATE TABLE ordo_job_counts (
    queue  TEXT    NOT NULL,
    status TEXT    NOT NULL,
    slot   INTEGER NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (queue, status, slot)
);

CREATE TRIGGER ordo_jobs_count_insert AFTER INSERT ON ordo_jobs
BEGIN
    INSERT INTO ordo_job_counts (queue, status, slot, n) VALUES (NEW.queue, NEW.status, 0, 1)
    ON CONFLICT (queue, status, slot) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ordo_jobs_count_update AFTER UPDATE OF status ON ordo_jobs
WHEN OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO ordo_job_counts (queue, status, slot, n) VALUES (OLD.queue, OLD.status, 0, -1)
    ON CONFLICT (queue, status, slot) DO UPDATE SET n = n - 1;
    INSERT INTO ordo_job_counts (queue, status, slot, n) VALUES (NEW.queue, NEW.status, 0, 1)
    ON CONFLICT (queue, status, slot) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ordo_jobs_count_delete AFTER DELETE ON ordo_jobs
BEGIN
    INSERT INTO ordo_job_counts (queue, status, slot, n) VALUES (OLD.queue, OLD.status, 0, -1)
    ON CONFLICT (queue, status, slot) DO UPDATE SET n = n - 1;
END;

-- Jobs under a parent, and jobs in a scope other than the scope job itself, by status. Their
-- triggers only fire (WHEN) for rows that have a parent / a scope.
CREATE TABLE ordo_child_counts (
    parent_id TEXT    NOT NULL,
    status    TEXT    NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (parent_id, status)
);

CREATE TABLE ordo_scope_counts (
    scope_id TEXT    NOT NULL,
    status   TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (scope_id, status)
);

CREATE TRIGGER ordo_jobs_child_count_insert AFTER INSERT ON ordo_jobs
WHEN NEW.parent_id IS NOT NULL
BEGIN
    INSERT INTO ordo_child_counts (parent_id, status, n) VALUES (NEW.parent_id, NEW.status, 1)
    ON CONFLICT (parent_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ordo_jobs_child_count_update AFTER UPDATE OF status ON ordo_jobs
WHEN NEW.parent_id IS NOT NULL AND OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO ordo_child_counts (parent_id, status, n) VALUES (OLD.parent_id, OLD.status, -1)
    ON CONFLICT (parent_id, status) DO UPDATE SET n = n - 1;
    INSERT INTO ordo_child_counts (parent_id, status, n) VALUES (NEW.parent_id, NEW.status, 1)
    ON CONFLICT (parent_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ordo_jobs_child_count_delete AFTER DELETE ON ordo_jobs
WHEN OLD.parent_id IS NOT NULL
BEGIN
    INSERT INTO ordo_child_counts (parent_id, status, n) VALUES (OLD.parent_id, OLD.status, -1)
    ON CONFLICT (parent_id, status) DO UPDATE SET n = n - 1;
END;

CREATE TRIGGER ordo_jobs_scope_count_insert AFTER INSERT ON ordo_jobs
WHEN NEW.scope_id IS NOT NULL AND NEW.scope_id <> NEW.id
BEGIN
    INSERT INTO ordo_scope_counts (scope_id, status, n) VALUES (NEW.scope_id, NEW.status, 1)
    ON CONFLICT (scope_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ordo_jobs_scope_count_update AFTER UPDATE OF status ON ordo_jobs
WHEN NEW.scope_id IS NOT NULL AND NEW.scope_id <> NEW.id AND OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO ordo_scope_counts (scope_id, status, n) VALUES (OLD.scope_id, OLD.status, -1)
    ON CONFLICT (scope_id, status) DO UPDATE SET n = n - 1;
    INSERT INTO ordo_scope_counts (scope_id, status, n) VALUES (NEW.scope_id, NEW.status, 1)
    ON CONFLICT (scope_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER ordo_jobs_scope_count_delete AFTER DELETE ON ordo_jobs
WHEN OLD.scope_id IS NOT NULL AND OLD.scope_id <> OLD.id
BEGIN
    INSERT INTO ordo_scope_counts (scope_id, status, n) VALUES (OLD.scope_id, OLD.status, -1)
    ON CONFLICT (scope_id, status) DO UPDATE SET n = n - 1;
END;

-- Job definitions and the schedule ticks that started a run (recorded with the run's insert).
CREATE TABLE ordo_definitions (
    id         TEXT    PRIMARY KEY NOT NULL,
    name       TEXT,
    format     TEXT,
    source     TEXT,
    spec       TEXT,
    enabled    INTEGER NOT NULL,
    schedule   TEXT,
    version    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE ordo_schedule_ticks (
    definition_id TEXT    NOT NULL,
    tick_at       INTEGER NOT NULL,
    PRIMARY KEY (definition_id, tick_at)
) WITHOUT ROWID;
