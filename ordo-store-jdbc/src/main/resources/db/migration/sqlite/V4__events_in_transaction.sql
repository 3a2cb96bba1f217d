-- Events committed with the state they describe: a job's status changes, the children it spawns and
-- the lines it logs write their events from triggers, in the transaction that makes the change,
-- whatever path made it. SQLite has one writer at a time, so ids (AUTOINCREMENT) are drawn and
-- committed in the same order and a reader reading id > last never skips one. Payloads match the
-- PostgreSQL triggers' (V4 there); a JSON null is dropped when the event is read.

-- Every status change now writes an event: one index fewer per event. Pruning walks the primary
-- key oldest first instead (see EventLogSql.prune).
DROP INDEX ordo_events_at_idx;

-- Payloads hold only what the event row does not say already (the reader completes them, see
-- StoredPayloads): these run inside every status change, in the single writer's time.
CREATE TRIGGER ordo_jobs_status_event AFTER UPDATE OF status ON ordo_jobs
WHEN OLD.status IS NOT NEW.status
BEGIN
    INSERT INTO ordo_events (type, job_id, root_id, payload, at) VALUES ('job_status_change', NEW.id, NEW.root_id,
        json_object('parent_id', NEW.parent_id, 'type', NEW.type, 'queue', NEW.queue, 'status', NEW.status,
            'attempt', NEW.attempt, 'max_attempts', NEW.max_attempts,
            'error', CASE WHEN NEW.status IN ('failed', 'cancelled', 'scheduled', 'pending', 'skipped') THEN NEW.error END,
            'warning', json_extract(NEW.meta, '$.warning')),
        NEW.updated_at);
END;

CREATE TRIGGER ordo_jobs_spawn_event AFTER INSERT ON ordo_jobs
WHEN NEW.parent_id IS NOT NULL
BEGIN
    INSERT INTO ordo_events (type, job_id, root_id, payload, at) VALUES ('job_spawn', NEW.id, NEW.root_id,
        json_object('parent_id', NEW.parent_id, 'type', NEW.type,
            'step', CASE WHEN NEW.parent_id = NEW.root_id THEN NEW.step END,
            'item_reference', coalesce(NEW.unique_key, CASE WHEN NEW.parent_id = NEW.root_id THEN NEW.step END),
            'depth', NEW.depth, 'status', NEW.status),
        NEW.created_at);
END;

CREATE TRIGGER ordo_job_logs_event AFTER INSERT ON ordo_job_logs
BEGIN
    INSERT INTO ordo_events (type, job_id, root_id, payload, at)
    SELECT 'job_log', j.id, j.root_id,
        json_object('parent_id', j.parent_id, 'level', NEW.level, 'message', NEW.message,
            'metadata', json_object('depth', j.depth, 'job_type', j.type, 'attempt', NEW.attempt)),
        NEW.at
    FROM ordo_jobs j WHERE j.id = NEW.job_id;
END;
