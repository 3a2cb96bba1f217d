package io.ordo.store.jdbc;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up fast path of {@link Migrations} on PostgreSQL, where Flyway also records the schema it created. */
class PostgresMigrationsTest {
    private String schema;

    @AfterEach
    void drop() {
        if (schema != null) PgTestDatabase.dropSchema(schema);
    }

    private static PGSimpleDataSource db() {
        PgTestDatabase.ensureDatabase();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(PgTestDatabase.URL);
        ds.setUser(PgTestDatabase.USER);
        if (PgTestDatabase.PASSWORD != null) ds.setPassword(PgTestDatabase.PASSWORD);
        return ds;
    }

    @Test
    void aFreshSchemaIsMigratedByFlywayThenSkipsIt() {
        schema = PgTestDatabase.newSchema();
        PGSimpleDataSource ds = db();
        assertThat(Migrations.run(ds, "postgresql", schema)).isTrue();
        assertThat(Migrations.run(ds, "postgresql", schema)).isFalse();
    }

    @Test
    void anOlderSchemaStillMigrates() {
        schema = PgTestDatabase.newSchema();
        PGSimpleDataSource ds = db();
        Flyway.configure(getClass().getClassLoader()).dataSource(ds).locations("classpath:db/migration/postgresql")
                .table(Migrations.HISTORY_TABLE).schemas(schema).defaultSchema(schema).createSchemas(true)
                .baselineOnMigrate(true).baselineVersion("0").target("1").load().migrate();
        assertThat(Migrations.run(ds, "postgresql", schema)).isTrue();
        assertThat(Migrations.run(ds, "postgresql", schema)).isFalse();
    }
}
