-- Recurring plain jobs: a job of a type submitted on each tick of a cron expression read in a time zone.
-- Their ticks go into ordo_schedule_ticks under 'schedule:<id>', beside the definitions' ticks, so a
-- tick's job and its record are one transaction. updated_at is where ticking starts (create, save, resume).
CREATE TABLE ordo_schedules (
    id          text        PRIMARY KEY,
    type        text        NOT NULL,
    queue       text        NOT NULL,
    payload     jsonb       NOT NULL,
    priority    integer,
    cron        text        NOT NULL,
    timezone    text        NOT NULL,
    missed      text        NOT NULL,
    paused      boolean     NOT NULL,
    next_run_at timestamptz,
    last_run_at timestamptz,
    last_job_id uuid,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
