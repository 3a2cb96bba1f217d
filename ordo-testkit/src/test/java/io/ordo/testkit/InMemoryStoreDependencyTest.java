package io.ordo.testkit;

import io.ordo.core.store.JobStore;
import io.ordo.core.store.memory.InMemoryJobStore;

class InMemoryStoreDependencyTest extends JobStoreDependencyContract {
    @Override
    protected JobStore createStore() {
        return new InMemoryJobStore();
    }
}
