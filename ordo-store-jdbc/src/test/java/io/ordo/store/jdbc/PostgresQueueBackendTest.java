package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import io.ordo.testkit.QueueBackendContract;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;

/** jdbc on PostgreSQL: the jobs table is the queue. */
class PostgresQueueBackendTest extends QueueBackendContract {
    private String schema;

    @Override
    protected JobStore createStore() {
        schema = PgTestDatabase.newSchema();
        return PgTestDatabase.open(schema);
    }

    @Override
    protected void afterStoreClosed() {
        if (schema != null) PgTestDatabase.dropSchema(schema);
    }

    @Override
    protected String queueBackend() {
        return "jdbc";
    }

    @Override
    protected void loseBrokerData(String queue, Set<String> types) {
        // no broker
    }

    @Override
    protected Connection connection() throws Exception {
        Connection c = PgTestDatabase.connect();
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO \"" + schema + "\"");
        }
        return c;
    }
}
