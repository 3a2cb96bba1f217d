package io.ordo.testkit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.util.Json;
import io.ordo.core.util.Uuids;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds {@link NewJob}s for store tests with readable overrides. */
public final class TestJobs {
    private UUID id = Uuids.v7();
    private String type = "noop";
    private String queue = "default";
    private int priority;
    private ObjectNode payload = Json.MAPPER.createObjectNode();
    private int maxAttempts = 3;
    private Instant runAt;
    private Duration timeout;
    private Job parent;
    private Duration resultTtl;
    private String uniqueKey;
    private String cacheKey;
    private List<String> tags = List.of();
    private String definitionId;
    private String step;
    private final Instant now;

    private TestJobs(Instant now) {
        this.now = now;
        this.runAt = now;
    }

    public static TestJobs at(Instant now) {
        return new TestJobs(now);
    }

    public TestJobs type(String t) { type = t; return this; }
    public TestJobs queue(String q) { queue = q; return this; }
    public TestJobs priority(int p) { priority = p; return this; }
    public TestJobs payload(String k, Object v) { payload.set(k, Json.MAPPER.valueToTree(v)); return this; }
    public TestJobs maxAttempts(int n) { maxAttempts = n; return this; }
    public TestJobs runAt(Instant t) { runAt = t; return this; }
    public TestJobs timeout(Duration d) { timeout = d; return this; }
    public TestJobs parent(Job p) { parent = p; return this; }
    public TestJobs resultTtl(Duration d) { resultTtl = d; return this; }
    public TestJobs uniqueKey(String k) { uniqueKey = k; return this; }
    public TestJobs cacheKey(String k, Duration ttl) { cacheKey = k; resultTtl = ttl; return this; }
    public TestJobs tags(String... t) { tags = List.of(t); return this; }
    public TestJobs definition(String def, String s) { definitionId = def; step = s; return this; }

    public NewJob build() {
        JobStatus status = runAt.isAfter(now) ? JobStatus.SCHEDULED : JobStatus.PENDING;
        return new NewJob(id, type, queue, priority, payload, status, maxAttempts, runAt, timeout,
                parent == null ? null : parent.id(), parent == null ? null : parent.rootId(), definitionId, step,
                parent == null ? 0 : parent.depth() + 1, resultTtl, uniqueKey, cacheKey, tags, null, null, now);
    }
}
