package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.sql.Connection;
import java.sql.SQLException;

class PostgresTreeFeaturesTest extends JdbcTreeFeaturesTest {
    private String schema;

    @BeforeEach
    void newSchema() {
        schema = PgTestDatabase.newSchema();
    }

    @AfterEach
    void dropSchema() {
        closeStores();
        PgTestDatabase.dropSchema(schema);
    }

    @Override
    protected JobStore openStore() {
        return PgTestDatabase.open(schema);
    }

    @Override
    protected Connection connect() throws SQLException {
        return PgTestDatabase.connect();
    }

    @Override
    protected String table(String name) {
        return "\"" + schema + "\"." + name;
    }
}
