package io.ordo.core.queue;

import io.ordo.core.model.Job;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.RunStore;

import java.util.List;
import java.util.function.Consumer;

/**
 * The queue is the jobs table itself: a claim is one store statement (on PostgreSQL
 * {@code FOR UPDATE SKIP LOCKED}; on SQLite a single-writer update). Wake-ups come from the
 * store's cross-process signal (PostgreSQL LISTEN/NOTIFY) where it has one.
 */
public final class StoreQueueBackend implements QueueBackend {
    private final RunStore store;
    private final String kind;

    /** @param kind "jdbc" for a SQL store, "memory" for the in-memory one */
    public StoreQueueBackend(RunStore store, String kind) {
        this.store = store;
        this.kind = kind;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public List<Job> claim(ClaimRequest request) {
        return store.claim(request);
    }

    @Override
    public io.ordo.core.store.LimitedClaim claimLimited(ClaimRequest request) {
        return store.claimLimited(request);
    }

    @Override
    public void onAvailable(Consumer<String> listener) {
        store.onJobsAvailable(listener);
    }

    @Override
    public void close() {
    }
}
