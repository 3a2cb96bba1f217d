-- The cluster's leader lease: one row, taken and renewed by single upserts (see LeaderSql). The
-- node holding it runs the cluster-wide duties; term rises each time another node takes it.
CREATE TABLE ordo_leader (
    name  TEXT    PRIMARY KEY NOT NULL,
    node  TEXT    NOT NULL,
    term  INTEGER NOT NULL,
    since INTEGER NOT NULL,
    until INTEGER NOT NULL
) WITHOUT ROWID;
