package io.ordo.core.store.memory;

import io.ordo.core.store.JobStore;
import io.ordo.core.store.JobStoreProvider;

import java.util.Map;

/** {@code memory:} — a store that lives and dies with the JVM. */
public final class MemoryStoreProvider implements JobStoreProvider {
    @Override
    public boolean supports(String url) {
        return url.equals("memory:") || url.equals("memory");
    }

    @Override
    public JobStore open(String url, Map<String, String> properties) {
        return new InMemoryJobStore();
    }
}
