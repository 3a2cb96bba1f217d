-- Recurring plain jobs: a job of a type submitted on each tick of a cron expression read in a time zone.
-- Their ticks go into ordo_schedule_ticks under 'schedule:<id>', beside the definitions' ticks, so a
-- tick's job and its record are one transaction. updated_at is where ticking starts (create, save, resume).
CREATE TABLE ordo_schedules (
    id          TEXT    PRIMARY KEY NOT NULL,
    type        TEXT    NOT NULL,
    queue       TEXT    NOT NULL,
    payload     TEXT    NOT NULL,
    priority    INTEGER,
    cron        TEXT    NOT NULL,
    timezone    TEXT    NOT NULL,
    missed      TEXT    NOT NULL,
    paused      INTEGER NOT NULL,
    next_run_at INTEGER,
    last_run_at INTEGER,
    last_job_id TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) WITHOUT ROWID;
