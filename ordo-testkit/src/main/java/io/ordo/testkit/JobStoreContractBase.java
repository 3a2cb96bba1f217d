package io.ordo.testkit;

import io.ordo.core.ConflictException;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.LeaseLostException;
import io.ordo.core.QueueFullException;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.LogLevel;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.Page;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.Completion;
import io.ordo.core.store.Failure;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the store contract suites share: a fresh store per test, a fixed clock origin, helpers. */
public abstract class JobStoreContractBase {
    protected static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");
    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected static final Set<String> ALL_TYPES = Set.of("noop", "sleep", "fail", "a", "b", "parent", "child");

    protected JobStore store;

    /** A store over an empty database. */
    protected abstract JobStore createStore();

    @BeforeEach
    void openStore() {
        store = createStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) store.close();
    }

    // ---- helpers ------------------------------------------------------------------------------

    protected Job insert(NewJob n) {
        return store.insert(List.of(n), InsertOptions.NONE).get(0).job();
    }

    protected Job insert(TestJobs b) {
        return insert(b.build());
    }

    protected List<Job> claim(String owner, int limit, Instant now) {
        return store.claim(new ClaimRequest("default", ALL_TYPES, limit, owner, LEASE, now));
    }

    protected Job claimOne(String owner, Instant now) {
        List<Job> jobs = claim(owner, 1, now);
        assertThat(jobs).hasSize(1);
        return jobs.get(0);
    }

    protected Job get(UUID id) {
        return store.get(id).orElseThrow();
    }

    protected static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    protected static AttemptError err(Job j, String message) {
        return new AttemptError(j.attempt(), j.leaseOwner(), T0, AttemptError.ERROR, message);
    }

    protected static AttemptError lost(Job j, Instant now) {
        return new AttemptError(j.attempt(), j.leaseOwner(), now, AttemptError.LEASE_EXPIRED, "lease expired");
    }
}
