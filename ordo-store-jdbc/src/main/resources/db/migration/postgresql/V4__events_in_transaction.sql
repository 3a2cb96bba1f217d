-- Events committed with the state they describe. A job's status changes, the children it spawns
-- and the lines it logs write their events from triggers, in the statement (and so the
-- transaction) that makes the change: the event exists exactly when the change does, whatever
-- path made it (a worker, a bulk action, the rescue of an expired lease, another node).
--
-- Readers must still see every event once, in one order, although writers commit in any order and
-- take no common lock. An event's id is its transaction's id (xid8) shifted left by 20 bits plus
-- its ordinal within that transaction, so ids follow transaction ids. A reader only reads ids
-- below the horizon xmin(current snapshot) << 20: every transaction with a smaller id has ended,
-- so no event can later appear below an id already read (see EventLogSql).

-- Ids are written by ordo_event_ids() below; the identity goes (old ids are smaller than any new one).
ALTER TABLE ordo_events ALTER COLUMN id DROP IDENTITY;
-- Every status change now writes an event: one index fewer per event. Pruning walks the primary
-- key oldest first instead (ids follow time closely enough; see EventLogSql.prune).
DROP INDEX ordo_events_at_idx;
-- Payloads are only ever read back whole: json (text, as built) is cheaper to write than jsonb.
ALTER TABLE ordo_events ALTER COLUMN payload TYPE json;

-- Reserves n event ids in the current transaction and returns the first. The ordinal lives in a
-- transaction-local setting, so it starts at 0 in every transaction and a rolled-back
-- subtransaction gives its ordinals back together with its rows.
CREATE FUNCTION ordo_event_ids(n bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    used bigint := coalesce(nullif(current_setting('ordo.event_ordinal', true), ''), '0')::bigint;
BEGIN
    IF used + n > 1048576 THEN
        RAISE EXCEPTION 'ordo: one transaction may write at most 1048576 events (this one asked for %)', used + n;
    END IF;
    PERFORM set_config('ordo.event_ordinal', (used + n)::text, true);
    RETURN (pg_current_xact_id()::text::bigint << 20) + used;
END
$$;

-- One statement-level function for inserts (job_spawn: jobs with a parent) and updates
-- (job_status_change: rows whose status changed). Heartbeats and progress change no status and
-- write nothing. It runs inside every writer's statement, so it stores only what the event row
-- does not say already: the job and root ids are columns, the time is "at", and the reader adds
-- the contract's alias fields and the timestamp (StoredPayloads). A spawn names its step only for
-- a definition's step job itself (whose parent is the run, its root): the children of a step carry
-- the step's name in their row but were not a step themselves.
CREATE FUNCTION ordo_job_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n     bigint;
    first bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT count(*) INTO n FROM new_rows WHERE parent_id IS NOT NULL;
        IF n = 0 THEN RETURN NULL; END IF;
        first := "${flyway:defaultSchema}".ordo_event_ids(n) - 1;
        INSERT INTO "${flyway:defaultSchema}".ordo_events (id, type, job_id, root_id, payload, at)
        SELECT first + row_number() OVER (), 'job_spawn', s.id, s.root_id, json_build_object(
                'parent_id', s.parent_id, 'type', s.type,
                'step', CASE WHEN s.parent_id = s.root_id THEN s.step END,
                'item_reference', coalesce(s.unique_key, CASE WHEN s.parent_id = s.root_id THEN s.step END),
                'depth', s.depth, 'status', s.status),
            s.created_at
        FROM new_rows s WHERE s.parent_id IS NOT NULL;
    ELSE
        SELECT count(*) INTO n FROM new_rows c JOIN old_rows o ON o.id = c.id WHERE c.status <> o.status;
        IF n = 0 THEN RETURN NULL; END IF;
        first := "${flyway:defaultSchema}".ordo_event_ids(n) - 1;
        INSERT INTO "${flyway:defaultSchema}".ordo_events (id, type, job_id, root_id, payload, at)
        SELECT first + row_number() OVER (), 'job_status_change', c.id, c.root_id, json_build_object(
                'parent_id', c.parent_id, 'type', c.type, 'queue', c.queue, 'status', c.status,
                'attempt', c.attempt, 'max_attempts', c.max_attempts,
                'error', CASE WHEN c.status IN ('failed', 'cancelled', 'scheduled', 'pending', 'skipped') THEN c.error END,
                'warning', c.meta ->> 'warning'),
            c.updated_at
        FROM new_rows c JOIN old_rows o ON o.id = c.id WHERE c.status <> o.status;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER ordo_jobs_events_insert AFTER INSERT ON ordo_jobs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ordo_job_events();
CREATE TRIGGER ordo_jobs_events_update AFTER UPDATE ON ordo_jobs
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ordo_job_events();

-- job_log: one event per stored line, with the job's tree for filtering
CREATE FUNCTION ordo_log_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n     bigint;
    first bigint;
BEGIN
    SELECT count(*) INTO n FROM new_rows;
    IF n = 0 THEN RETURN NULL; END IF;
    first := "${flyway:defaultSchema}".ordo_event_ids(n) - 1;
    INSERT INTO "${flyway:defaultSchema}".ordo_events (id, type, job_id, root_id, payload, at)
    SELECT first + row_number() OVER (ORDER BY l.seq), 'job_log', j.id, j.root_id, json_build_object(
            'parent_id', j.parent_id, 'level', l.level, 'message', l.message,
            'metadata', json_build_object('depth', j.depth, 'job_type', j.type, 'attempt', l.attempt)),
        l.at
    FROM new_rows l JOIN "${flyway:defaultSchema}".ordo_jobs j ON j.id = l.job_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER ordo_job_logs_events AFTER INSERT ON ordo_job_logs
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ordo_log_events();
