-- Ordo job store, PostgreSQL. Times are timestamptz written at millisecond precision by the store,
-- durations are bigint milliseconds, JSON is jsonb. Tables are created in the store's schema
-- (Flyway's default schema); functions name it explicitly so that a caller's search_path never matters.

CREATE TABLE ordo_jobs (
    id                uuid        PRIMARY KEY,
    type              text        NOT NULL,
    queue             text        NOT NULL,
    priority          integer     NOT NULL DEFAULT 0,
    payload           jsonb,
    status            text        NOT NULL
        CHECK (status IN ('scheduled', 'pending', 'running', 'waiting', 'completed', 'failed', 'cancelled', 'skipped')),
    attempt           integer     NOT NULL DEFAULT 0,
    max_attempts      integer     NOT NULL,
    run_at            timestamptz NOT NULL,
    lease_owner       text,
    lease_until       timestamptz,
    timeout_ms        bigint,
    parent_id         uuid,
    root_id           uuid        NOT NULL,
    definition_id     text,
    step              text,
    depth             integer     NOT NULL DEFAULT 0,
    progress_current  bigint      NOT NULL DEFAULT 0,
    progress_total    bigint      NOT NULL DEFAULT 0,
    progress_text     text,
    result            jsonb,
    result_expires_at timestamptz,
    result_ttl_ms     bigint,
    error             text,
    errors            jsonb       NOT NULL DEFAULT '[]',
    unique_key        text,
    cache_key         text,
    tags              jsonb       NOT NULL DEFAULT '[]',
    backoff_base_ms   bigint,
    backoff_cap_ms    bigint,
    cancel_requested  boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    started_at        timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL,
    -- trees of jobs (definitions): the scope (a step job's id) a job belongs to, its dedup key
    -- (unique within its root's tree, in any state), a scope job's ChildPolicy and how many
    -- descendants it has spawned, and the engine's flags (warning, cached_from, ...)
    scope_id          uuid,
    dedup_key         text,
    child_policy      jsonb,
    spawned           integer     NOT NULL DEFAULT 0,
    meta              jsonb       NOT NULL DEFAULT '{}'
) WITH (fillfactor = 85);

-- claim: the next pending jobs of a queue in claim order
CREATE INDEX ordo_jobs_claim_idx ON ordo_jobs (queue, priority, run_at, id) WHERE status = 'pending';
-- one live job per unique key; inserts use it with ON CONFLICT DO NOTHING
CREATE UNIQUE INDEX ordo_jobs_unique_live_idx ON ordo_jobs (unique_key)
    WHERE unique_key IS NOT NULL AND status IN ('scheduled', 'pending', 'running', 'waiting');
-- cache hits: completed jobs by cache key, newest first
CREATE INDEX ordo_jobs_cache_idx ON ordo_jobs (cache_key, finished_at DESC)
    WHERE cache_key IS NOT NULL AND status = 'completed';
-- Every index here is written on each status change of a job (status is indexed, so updates are
-- never HOT): keep the set small. Listings by status and parent use an index; by queue or type
-- they walk the primary key newest first. Expired leases are found among the few running jobs
-- through the status index; pruning walks old ids (UUIDv7: id order is creation order).
CREATE INDEX ordo_jobs_status_idx ON ordo_jobs (status, id);
CREATE INDEX ordo_jobs_parent_idx ON ordo_jobs (parent_id, id) WHERE parent_id IS NOT NULL;
CREATE INDEX ordo_jobs_root_idx ON ordo_jobs (root_id, id) WHERE parent_id IS NOT NULL;
-- trees: both partial, so plain jobs (no parent, no scope, no dedup key) never write them. A dedup
-- key is used once per tree whatever the job's state; inserts use it with ON CONFLICT DO NOTHING.
CREATE UNIQUE INDEX ordo_jobs_dedup_idx ON ordo_jobs (root_id, dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX ordo_jobs_scope_idx ON ordo_jobs (scope_id, id) WHERE scope_id IS NOT NULL;
-- maintenance: promote due jobs, expire results
CREATE INDEX ordo_jobs_promote_idx ON ordo_jobs (run_at) WHERE status = 'scheduled';
CREATE INDEX ordo_jobs_result_expiry_idx ON ordo_jobs (result_expires_at)
    WHERE result IS NOT NULL AND result_expires_at IS NOT NULL;

CREATE TABLE ordo_job_logs (
    seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id  uuid        NOT NULL REFERENCES ordo_jobs (id) ON DELETE CASCADE,
    attempt integer     NOT NULL,
    at      timestamptz NOT NULL,
    level   text        NOT NULL,
    message text        NOT NULL
);
CREATE INDEX ordo_job_logs_job_idx ON ordo_job_logs (job_id, seq);

-- Job counts by queue and status, kept by the triggers below so that counts() and the queue
-- capacity check never scan ordo_jobs. Each backend adds its deltas to its own slot
-- (pid % 16) so that concurrent writers rarely wait on one hot row; readers sum the slots.
CREATE TABLE ordo_job_counts (
    queue  text     NOT NULL,
    status text     NOT NULL,
    slot   smallint NOT NULL,
    n      bigint   NOT NULL,
    PRIMARY KEY (queue, status, slot)
);

-- Jobs under a parent, and jobs in a scope other than the scope job itself, by status: what a
-- waiting parent's monitor and complete() read. Kept by the same triggers; keyed by parent / scope,
-- whose writers are few, so no slots.
CREATE TABLE ordo_child_counts (
    parent_id uuid   NOT NULL,
    status    text   NOT NULL,
    n         bigint NOT NULL,
    PRIMARY KEY (parent_id, status)
);

CREATE TABLE ordo_scope_counts (
    scope_id uuid   NOT NULL,
    status   text   NOT NULL,
    n        bigint NOT NULL,
    PRIMARY KEY (scope_id, status)
);

CREATE FUNCTION ordo_count_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    my_slot    smallint := pg_backend_pid() % 16;
    has_parent boolean;
    has_scope  boolean;
BEGIN
    -- one upsert per statement and table; keys in a fixed order (tables too) so two writers cannot deadlock
    IF TG_OP = 'INSERT' THEN
        INSERT INTO "${flyway:defaultSchema}".ordo_job_counts AS c (queue, status, slot, n)
        SELECT queue, status, my_slot, count(*) FROM new_rows GROUP BY queue, status ORDER BY queue, status
        ON CONFLICT (queue, status, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO "${flyway:defaultSchema}".ordo_job_counts AS c (queue, status, slot, n)
        SELECT queue, status, my_slot, -count(*) FROM old_rows GROUP BY queue, status ORDER BY queue, status
        ON CONFLICT (queue, status, slot) DO UPDATE SET n = c.n + excluded.n;
    ELSE
        -- most updates (heartbeat, progress) change no status: their deltas are all zero and skipped
        INSERT INTO "${flyway:defaultSchema}".ordo_job_counts AS c (queue, status, slot, n)
        SELECT queue, status, my_slot, sum(d) FROM (
            SELECT queue, status, 1 AS d FROM new_rows
            UNION ALL
            SELECT queue, status, -1 AS d FROM old_rows) AS deltas
        GROUP BY queue, status HAVING sum(d) <> 0 ORDER BY queue, status
        ON CONFLICT (queue, status, slot) DO UPDATE SET n = c.n + excluded.n;
    END IF;

    -- parents and scopes: one pass over the statement's rows tells whether there is anything to
    -- count (plain jobs have neither); parent_id and scope_id never change, so the new rows of an
    -- update say the same as the old ones
    IF TG_OP = 'DELETE' THEN
        SELECT bool_or(parent_id IS NOT NULL), bool_or(scope_id <> id) INTO has_parent, has_scope FROM old_rows;
    ELSE
        SELECT bool_or(parent_id IS NOT NULL), bool_or(scope_id <> id) INTO has_parent, has_scope FROM new_rows;
    END IF;
    IF has_parent THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO "${flyway:defaultSchema}".ordo_child_counts AS c (parent_id, status, n)
            SELECT parent_id, status, count(*) FROM new_rows WHERE parent_id IS NOT NULL
            GROUP BY parent_id, status ORDER BY parent_id, status
            ON CONFLICT (parent_id, status) DO UPDATE SET n = c.n + excluded.n;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO "${flyway:defaultSchema}".ordo_child_counts AS c (parent_id, status, n)
            SELECT parent_id, status, -count(*) FROM old_rows WHERE parent_id IS NOT NULL
            GROUP BY parent_id, status ORDER BY parent_id, status
            ON CONFLICT (parent_id, status) DO UPDATE SET n = c.n + excluded.n;
        ELSE
            INSERT INTO "${flyway:defaultSchema}".ordo_child_counts AS c (parent_id, status, n)
            SELECT parent_id, status, sum(d) FROM (
                SELECT parent_id, status, 1 AS d FROM new_rows WHERE parent_id IS NOT NULL
                UNION ALL
                SELECT parent_id, status, -1 AS d FROM old_rows WHERE parent_id IS NOT NULL) AS deltas
            GROUP BY parent_id, status HAVING sum(d) <> 0 ORDER BY parent_id, status
            ON CONFLICT (parent_id, status) DO UPDATE SET n = c.n + excluded.n;
        END IF;
    END IF;
    IF has_scope THEN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO "${flyway:defaultSchema}".ordo_scope_counts AS c (scope_id, status, n)
            SELECT scope_id, status, count(*) FROM new_rows WHERE scope_id <> id
            GROUP BY scope_id, status ORDER BY scope_id, status
            ON CONFLICT (scope_id, status) DO UPDATE SET n = c.n + excluded.n;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO "${flyway:defaultSchema}".ordo_scope_counts AS c (scope_id, status, n)
            SELECT scope_id, status, -count(*) FROM old_rows WHERE scope_id <> id
            GROUP BY scope_id, status ORDER BY scope_id, status
            ON CONFLICT (scope_id, status) DO UPDATE SET n = c.n + excluded.n;
        ELSE
            INSERT INTO "${flyway:defaultSchema}".ordo_scope_counts AS c (scope_id, status, n)
            SELECT scope_id, status, sum(d) FROM (
                SELECT scope_id, status, 1 AS d FROM new_rows WHERE scope_id <> id
                UNION ALL
                SELECT scope_id, status, -1 AS d FROM old_rows WHERE scope_id <> id) AS deltas
            GROUP BY scope_id, status HAVING sum(d) <> 0 ORDER BY scope_id, status
            ON CONFLICT (scope_id, status) DO UPDATE SET n = c.n + excluded.n;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- PostgreSQL allows transition tables only on single-event triggers: one trigger per event
CREATE TRIGGER ordo_jobs_count_insert AFTER INSERT ON ordo_jobs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ordo_count_jobs();
CREATE TRIGGER ordo_jobs_count_update AFTER UPDATE ON ordo_jobs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ordo_count_jobs();
CREATE TRIGGER ordo_jobs_count_delete AFTER DELETE ON ordo_jobs
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ordo_count_jobs();

-- Job definitions (the source as written, the parsed spec as JSON) and the schedule ticks that
-- started a run: a tick is recorded in the transaction that inserts its run, so each starts once.
CREATE TABLE ordo_definitions (
    id         text        PRIMARY KEY,
    name       text,
    format     text,
    source     text,
    spec       jsonb,
    enabled    boolean     NOT NULL,
    schedule   text,
    version    integer     NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE ordo_schedule_ticks (
    definition_id text        NOT NULL,
    tick_at       timestamptz NOT NULL,
    PRIMARY KEY (definition_id, tick_at)
);
