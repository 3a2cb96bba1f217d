-- The cluster's leader lease: one row, taken and renewed by single upserts (see LeaderSql). The
-- node holding it runs the cluster-wide duties; term rises each time another node takes it.
CREATE TABLE ordo_leader (
    name  text        PRIMARY KEY,
    node  text        NOT NULL,
    term  bigint      NOT NULL,
    since timestamptz NOT NULL,
    until timestamptz NOT NULL
);
