-- Orders to nodes (launch a worker, drain, resume, stop): written by any node, taken once by the node
-- they address in its operations round, then given their outcome. Old ones are pruned by creation time.
CREATE TABLE ordo_node_commands (
    id          uuid        PRIMARY KEY,
    node        text        NOT NULL,
    kind        text        NOT NULL,
    args        jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    taken_by    text,
    taken_at    timestamptz,
    finished_at timestamptz,
    result      jsonb,
    error       text
);
-- each node looks for its orders every second: only the few not taken yet are in this index
CREATE INDEX ordo_node_commands_pending_idx ON ordo_node_commands (node, created_at) WHERE taken_at IS NULL;
CREATE INDEX ordo_node_commands_created_idx ON ordo_node_commands (created_at);

-- a node that drains (claims no new jobs) says so in its row; a constant default rewrites nothing
ALTER TABLE ordo_nodes ADD COLUMN draining boolean NOT NULL DEFAULT false;
