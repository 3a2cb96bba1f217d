package io.ordo.core.store;

import io.ordo.core.model.Lease;

/**
 * Persistence of jobs, their logs and counters: the source of truth. It is made of the ports of
 * its concerns, so that code (and a transport) can depend on the part it uses: {@link RunStore}
 * (submit and the worker's hot path), {@link ResultStore}, {@link TreeStore}, {@link DefinitionStore},
 * {@link ScheduleStore}, {@link EventStore}, {@link OpsStore}, {@link MaintenanceStore}, {@link AdminStore} and {@link LeaderStore}. Every
 * implementation passes the contract suites in {@code ordo-testkit}. Methods taking a
 * {@link io.ordo.core.model.Lease} are fenced: they change nothing and report failure when the job
 * is not running under that lease. Time is passed in by the caller so that the engine (and tests)
 * control the clock.
 */
public interface JobStore extends RunStore, DependencyStore, ResultStore, TreeStore, DefinitionStore, ScheduleStore, EventStore, OpsStore, MaintenanceStore, AdminStore, LeaderStore,
        AutoCloseable {
    /** "memory", "sqlite" or "postgresql". */
    String kind();

    /** Throws if the store cannot be reached. */
    default void ping() {
        counts();
    }

    @Override
    void close();
}
