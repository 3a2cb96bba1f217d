-- Orders to nodes (launch a worker, drain, resume, stop): written by any node, taken once by the node
-- they address in its operations round, then given their outcome. Old ones are pruned by creation time.
CREATE TABLE ordo_node_commands (
    id          TEXT    PRIMARY KEY NOT NULL,
    node        TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    args        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    taken_by    TEXT,
    taken_at    INTEGER,
    finished_at INTEGER,
    result      TEXT,
    error       TEXT
) WITHOUT ROWID;
CREATE INDEX ordo_node_commands_pending_idx ON ordo_node_commands (node, created_at) WHERE taken_at IS NULL;
CREATE INDEX ordo_node_commands_created_idx ON ordo_node_commands (created_at);

-- a node that drains (claims no new jobs) says so in its row
ALTER TABLE ordo_nodes ADD COLUMN draining INTEGER NOT NULL DEFAULT 0;
