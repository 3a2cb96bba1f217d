-- Cluster-wide limits per queue and per job type (README, "Cluster-wide limits"). A limited claim
-- reads and updates these rows in its write transaction; SQLite's single writer serialises them.
CREATE TABLE ordo_queue_limits (
    scope          TEXT    NOT NULL CHECK (scope IN ('queue', 'type')),
    name           TEXT    NOT NULL,
    capacity       INTEGER CHECK (capacity > 0),
    max_running    INTEGER CHECK (max_running > 0),
    rate_n         INTEGER CHECK (rate_n > 0),
    rate_window_ms INTEGER CHECK (rate_window_ms > 0),
    window_start   INTEGER,
    window_used    INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (scope, name),
    CHECK ((rate_n IS NULL) = (rate_window_ms IS NULL))
) WITHOUT ROWID;
