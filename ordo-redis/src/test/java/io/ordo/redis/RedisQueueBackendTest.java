package io.ordo.redis;

import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.QueueTransportProvider;
import io.ordo.core.queue.TransportSettings;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.JobStoreProvider;
import io.ordo.testkit.QueueBackendContract;
import io.ordo.testkit.TestPostgres;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The engine's queue guarantees with Redis Streams carrying the queue, on SQLite and on PostgreSQL. */
class RedisQueueBackendTest {
    static void forget(String queue, Set<String> types) {
        // what a Redis restarted without persistence leaves: none of the queue's streams
        try (QueueTransport t = QueueTransportProvider.openUrl(RedisTransportContractTest.URL,
                new TransportSettings("test-forget", Duration.ofSeconds(1)))) {
            t.purge(queue, types);
        }
    }

    /** Every key of the test's queue (each type a node serves gets a stream when it reads): a shared Redis stays clean. */
    static void deleteKeysOf(String queue) {
        io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(RedisTransportContractTest.URL);
        try (var connection = client.connect()) {
            var redis = connection.sync();
            java.util.List<String> keys = redis.keys("ordo:*" + queue + "*");
            if (!keys.isEmpty()) redis.del(keys.toArray(String[]::new));
        } finally {
            client.shutdown();
        }
    }

    @Nested
    class OnSqlite extends QueueBackendContract {

        @TempDir
        Path dir;

        @Override
        protected JobStore createStore() {
            return JobStoreProvider.openUrl("jdbc:sqlite:" + dir.resolve("ordo.db"), Map.of());
        }

        @Override
        protected void afterStoreClosed() {
            deleteKeysOf(queue); // the nodes are closed: nothing makes them again
        }

        @Override
        protected String queueBackend() {
            return RedisTransportContractTest.URL;
        }

        @Override
        protected void loseBrokerData(String queue, Set<String> types) {
            forget(queue, types);
        }

        @Override
        protected Connection connection() throws Exception {
            return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("ordo.db"));
        }
    }

    @Nested
    class OnPostgres extends QueueBackendContract {
        private TestPostgres pg;


        @Override
        protected JobStore createStore() {
            pg = new TestPostgres();
            return pg.open();
        }

        @Override
        protected void afterStoreClosed() {
            if (pg != null) pg.close();
            deleteKeysOf(queue);
        }

        @Override
        protected String queueBackend() {
            return RedisTransportContractTest.URL;
        }

        @Override
        protected void loseBrokerData(String queue, Set<String> types) {
            forget(queue, types);
        }

        @Override
        protected Connection connection() throws Exception {
            return pg.connect();
        }
    }
}
