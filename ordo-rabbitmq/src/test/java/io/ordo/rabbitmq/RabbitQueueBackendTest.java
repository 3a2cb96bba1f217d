package io.ordo.rabbitmq;

import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.QueueTransportProvider;
import io.ordo.core.queue.TransportSettings;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.JobStoreProvider;
import io.ordo.testkit.QueueBackendContract;
import io.ordo.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The engine's queue guarantees with RabbitMQ carrying the queue, on SQLite and on PostgreSQL. */
class RabbitQueueBackendTest {
    private static final String PREFIX = TestBroker.newPrefix();

    static void forget(String queue, Set<String> types) {
        // a broker that lost the queue's messages
        try (QueueTransport t = QueueTransportProvider.openUrl(TestBroker.url(PREFIX), new TransportSettings("test-forget", Duration.ofSeconds(1)))) {
            t.purge(queue, types);
        }
    }

    /** The quorum queues of every type the test's nodes served (each got one when they read): heavy, so dropped. */
    static void deleteQueuesOf(String queue, Set<String> types) {
        QueueNames names = new QueueNames(PREFIX);
        List<String> used = new ArrayList<>();
        for (String type : types) used.add(names.channel(queue, type));
        TestBroker.deleteQueues(used);
    }

    @AfterAll
    static void deleteShared() {
        TestBroker.deleteShared(PREFIX);
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
            deleteQueuesOf(queue, typesServed); // the nodes are closed: nothing declares them again
        }

        @Override
        protected String queueBackend() {
            return TestBroker.url(PREFIX);
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
            deleteQueuesOf(queue, typesServed);
        }

        @Override
        protected String queueBackend() {
            return TestBroker.url(PREFIX);
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
