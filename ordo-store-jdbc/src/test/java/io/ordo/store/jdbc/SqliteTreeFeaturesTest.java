package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

class SqliteTreeFeaturesTest extends JdbcTreeFeaturesTest {
    @TempDir
    Path dir;

    @Override
    protected JobStore openStore() {
        return new JdbcStoreProvider().open("jdbc:sqlite:" + dir.resolve("ordo.db"), Map.of());
    }

    @Override
    protected Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("busy_timeout", "5000");
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ordo.db"), p);
    }

    @Override
    protected String table(String name) {
        return name;
    }
}
