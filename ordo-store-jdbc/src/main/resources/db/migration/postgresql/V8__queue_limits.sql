-- Cluster-wide limits per queue and per job type, shared by every node (README, "Cluster-wide
-- limits"). A claim that a limit applies to locks the rows it needs (FOR UPDATE, in scope, name
-- order), counts running jobs, claims what max_running and the rate allow and counts the claims
-- into the rate's fixed window (window_start, window_used) in the same transaction.
CREATE TABLE ordo_queue_limits (
    scope          text        NOT NULL CHECK (scope IN ('queue', 'type')),
    name           text        NOT NULL,
    capacity       integer     CHECK (capacity > 0),
    max_running    integer     CHECK (max_running > 0),
    rate_n         integer     CHECK (rate_n > 0),
    rate_window_ms bigint      CHECK (rate_window_ms > 0),
    window_start   timestamptz,
    window_used    bigint      NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (scope, name),
    CHECK ((rate_n IS NULL) = (rate_window_ms IS NULL))
);
