package io.ordo.redis;

import io.ordo.core.queue.QueueTransport;
import io.ordo.core.queue.QueueTransportProvider;
import io.ordo.core.queue.TransportSettings;
import io.ordo.testkit.QueueTransportContract;

/** The shared transport contract against the Redis at {@code ORDO_TEST_REDIS_URL} (default 127.0.0.1:6379). */
class RedisTransportContractTest extends QueueTransportContract {
    static final String URL = System.getenv().getOrDefault("ORDO_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    @Override
    protected QueueTransport open(TransportSettings settings) {
        return QueueTransportProvider.openUrl(URL, settings);
    }
}
