package io.ordo.rabbitmq;

import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.QueueTransportProvider;
import io.ordo.core.queue.TransportSettings;
import io.ordo.testkit.QueueTransportContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;

import java.util.ArrayList;
import java.util.List;

/** The shared transport contract against the real broker, through the provider the engine finds. */
class RabbitTransportContractTest extends QueueTransportContract {
    private static final String PREFIX = TestBroker.newPrefix();

    @Override
    protected QueueTransport open(TransportSettings settings) {
        return QueueTransportProvider.openUrl(TestBroker.url(PREFIX), settings);
    }

    /** Quorum queues are heavy: drop the ones this test used (the contract's own cleanup then finds them gone). */
    @AfterEach
    void deleteQueues() {
        QueueNames names = new QueueNames(PREFIX);
        List<String> used = new ArrayList<>();
        for (String q : List.of(queue, other)) {
            for (String type : List.of("a", "b")) used.add(names.channel(q, type));
        }
        TestBroker.deleteQueues(used);
    }

    @AfterAll
    static void deleteShared() {
        TestBroker.deleteShared(PREFIX);
    }
}
