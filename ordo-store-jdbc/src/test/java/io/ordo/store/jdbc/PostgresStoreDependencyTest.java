package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import io.ordo.testkit.JobStoreDependencyContract;
import org.junit.jupiter.api.AfterEach;

class PostgresStoreDependencyTest extends JobStoreDependencyContract {
    private String schema;

    @Override
    protected JobStore createStore() {
        schema = PgTestDatabase.newSchema();
        return PgTestDatabase.open(schema);
    }

    @AfterEach
    void dropSchema() {
        if (store != null) store.close();
        if (schema != null) PgTestDatabase.dropSchema(schema);
    }
}
