package io.ordo.testkit;

import io.ordo.core.store.JobStore;
import io.ordo.core.store.memory.InMemoryJobStore;

class InMemoryEngineDependencyTest extends EngineDependencyContract {
    @Override
    protected JobStore createStore() {
        return new InMemoryJobStore();
    }
}
