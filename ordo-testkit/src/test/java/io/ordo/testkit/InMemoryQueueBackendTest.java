package io.ordo.testkit;

import io.ordo.core.store.JobStore;
import io.ordo.core.store.memory.InMemoryJobStore;

import java.util.Set;

/** The in-memory store is its own queue. */
class InMemoryQueueBackendTest extends QueueBackendContract {
    @Override
    protected JobStore createStore() {
        return new InMemoryJobStore();
    }

    @Override
    protected String queueBackend() {
        return "jdbc";
    }

    @Override
    protected void loseBrokerData(String queue, Set<String> types) {
        // no broker
    }
}
