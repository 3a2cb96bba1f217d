package io.ordo.testkit;

import io.ordo.core.store.JobStore;
import io.ordo.core.store.memory.InMemoryJobStore;

class InMemoryScheduleTest extends ScheduleStoreContract {
    @Override
    protected JobStore createStore() {
        return new InMemoryJobStore();
    }
}
