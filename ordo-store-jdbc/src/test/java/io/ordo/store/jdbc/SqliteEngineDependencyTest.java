package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import io.ordo.testkit.EngineDependencyContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

class SqliteEngineDependencyTest extends EngineDependencyContract {
    @TempDir
    Path dir;

    @Override
    protected JobStore createStore() {
        return new JdbcStoreProvider().open("jdbc:sqlite:" + dir.resolve("ordo.db"), Map.of());
    }
}
