package io.ordo.store.jdbc;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import javax.sql.DataSource;

/**
 * Brings a database's Ordo schema up to date at store open (Flyway, {@code db/migration/<dialect>},
 * history in {@code ordo_schema_history}). Safe to run from several processes at once: Flyway
 * takes a lock while it migrates, and a migrated schema is left as it is.
 *
 * <p>Flyway itself is skipped when {@link MigrationCheck} finds the history already holds exactly
 * the versioned migrations this jar ships, all successful: loading and configuring Flyway and
 * scanning the classpath cost most of a second of start-up, for nothing on an up-to-date database.
 * Anything else (no history, older, newer, failed, unreadable) goes through Flyway as before.
 */
final class Migrations {
    static final String HISTORY_TABLE = "ordo_schema_history";

    private Migrations() {
    }

    /**
     * @param schema the PostgreSQL schema to create and migrate; null for the connection's default
     * @return whether Flyway ran (false: the schema was up to date and Flyway was skipped)
     */
    static boolean run(DataSource ds, String dialect, String schema) {
        if (MigrationCheck.upToDate(ds, dialect, schema)) return false;
        FluentConfiguration cfg = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(ds)
                .locations("classpath:" + MigrationCheck.location(dialect))
                .table(HISTORY_TABLE)
                // a schema that already holds the application's own tables (same database, e.g. to
                // enqueue inside its transactions) is fine: Ordo's migrations start from version 1
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .validateMigrationNaming(true);
        if (schema != null) cfg = cfg.schemas(schema).defaultSchema(schema).createSchemas(true);
        try {
            cfg.load().migrate();
        } catch (FlywayException e) {
            throw new JdbcStoreException(dialect + " store: schema migration failed: " + e.getMessage(), e);
        }
        return true;
    }
}
