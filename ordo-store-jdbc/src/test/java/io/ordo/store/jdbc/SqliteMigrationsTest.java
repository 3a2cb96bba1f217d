package io.ordo.store.jdbc;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import java.io.OutputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The start-up fast path of {@link Migrations}: Flyway runs unless the history already matches the shipped migrations. */
class SqliteMigrationsTest {
    @TempDir
    Path dir;

    private SQLiteDataSource db() {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("ordo.db"));
        return ds;
    }

    @Test
    void aFreshDatabaseIsMigratedByFlywayThenSkipsIt() throws Exception {
        SQLiteDataSource ds = db();
        assertThat(Migrations.run(ds, "sqlite", null)).as("fresh: Flyway runs").isTrue();
        assertThat(tableCount(ds, "ordo_jobs")).isOne();
        assertThat(Migrations.run(ds, "sqlite", null)).as("up to date: Flyway skipped").isFalse();
    }

    @Test
    void anOlderSchemaStillMigrates() throws Exception {
        SQLiteDataSource ds = db();
        Flyway.configure(getClass().getClassLoader()).dataSource(ds).locations("classpath:db/migration/sqlite")
                .table(Migrations.HISTORY_TABLE).baselineOnMigrate(true).baselineVersion("0").target("1").load().migrate();
        assertThat(tableCount(ds, "ordo_events")).as("V1 only so far").isZero();
        assertThat(Migrations.run(ds, "sqlite", null)).isTrue();
        assertThat(tableCount(ds, "ordo_events")).isOne();
        assertThat(Migrations.run(ds, "sqlite", null)).isFalse();
    }

    @Test
    void aFailedMigrationGoesToFlywayWhichReportsIt() throws Exception {
        SQLiteDataSource ds = db();
        Migrations.run(ds, "sqlite", null);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE ordo_schema_history SET success = 0 WHERE installed_rank = (SELECT max(installed_rank) FROM ordo_schema_history)");
        }
        assertThatThrownBy(() -> Migrations.run(ds, "sqlite", null))
                .isInstanceOf(JdbcStoreException.class).hasMessageContaining("schema migration failed");
    }

    @Test
    void aNewerSchemaIsNotTakenForUpToDate() throws Exception {
        SQLiteDataSource ds = db();
        Migrations.run(ds, "sqlite", null);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO ordo_schema_history (installed_rank, version, description, type, script, checksum, "
                    + "installed_by, execution_time, success) VALUES (99, '99', 'from a newer Ordo', 'SQL', 'V99__x.sql', 0, 'test', 0, 1)");
        }
        assertThat(MigrationCheck.upToDate(ds, "sqlite", null)).isFalse();
    }

    @Test
    void shippedVersionsAreTheMigrationFiles() throws Exception {
        Set<String> files = new TreeSet<>();
        try (var names = Files.list(Path.of("src/main/resources/db/migration/sqlite"))) {
            names.forEach(p -> files.add(p.getFileName().toString().replaceFirst("^V([0-9]+)__.*", "$1")));
        }
        assertThat(MigrationCheck.shipped("sqlite")).isEqualTo(files);
    }

    @Test
    void listsMigrationsInsideAJar() throws Exception {
        Path jar = dir.resolve("m.jar");
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(os)) {
            for (String name : new String[] {"db/migration/sqlite/", "db/migration/sqlite/V1__a.sql", "db/migration/sqlite/V2_1__b.sql",
                    "db/migration/other/V9__c.sql"}) {
                out.putNextEntry(new JarEntry(name));
                out.closeEntry();
            }
        }
        Set<String> versions = new TreeSet<>();
        URL url = URI.create("jar:" + jar.toUri() + "!/db/migration/sqlite/").toURL();
        assertThat(MigrationCheck.list(url, "db/migration/sqlite/", versions)).isTrue();
        assertThat(versions).containsExactly("1", "2.1");
    }

    private static int tableCount(SQLiteDataSource ds, String table) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
