package io.ordo.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection, inside a transaction for writes. May be run again after a retryable failure. */
@FunctionalInterface
interface SqlWork<T> {
    T run(Connection c) throws SQLException;
}
