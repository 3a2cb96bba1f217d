package io.ordo.store.jdbc;

import io.ordo.core.store.JobStore;
import io.ordo.testkit.QueueBackendContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.Set;

/** jdbc on SQLite: the jobs table is the queue. */
class SqliteQueueBackendTest extends QueueBackendContract {
    @TempDir
    Path dir;

    @Override
    protected JobStore createStore() {
        return new JdbcStoreProvider().open("jdbc:sqlite:" + dir.resolve("ordo.db"), Map.of());
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
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ordo.db"));
    }
}
