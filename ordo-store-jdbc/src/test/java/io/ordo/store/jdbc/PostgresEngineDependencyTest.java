package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import io.ordo.testkit.EngineDependencyContract;

class PostgresEngineDependencyTest extends EngineDependencyContract {
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
}
