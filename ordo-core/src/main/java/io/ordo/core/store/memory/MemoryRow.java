package io.ordo.core.store.memory;

import com.fasterxml.jackson.databind.JsonNode;
import io.ordo.core.model.AttemptError;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.Lease;
import io.ordo.core.model.NewJob;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The mutable row behind a job in {@link InMemoryJobStore}; only touched under the store's lock. */
final class MemoryRow {
    final UUID id;
    final String type;
    final String queue;
    final int priority;
    final JsonNode payload;
    JobStatus status;
    int attempt;
    int maxAttempts;
    Instant runAt;
    String leaseOwner;
    Instant leaseUntil;
    final Duration timeout;
    final UUID parentId;
    final UUID rootId;
    final String definitionId;
    final String step;
    final int depth;
    long progressCurrent;
    long progressTotal;
    String progressText;
    JsonNode result;
    Instant resultExpiresAt;
    final Duration resultTtl;
    String error;
    final List<AttemptError> errors = new ArrayList<>();
    final String uniqueKey;
    final String cacheKey;
    final List<String> tags;
    final Duration backoffBase;
    final Duration backoffCap;
    boolean cancelRequested;
    final Instant createdAt;
    Instant startedAt;
    Instant finishedAt;
    Instant updatedAt;
    final UUID scopeId;
    final String dedupKey;
    final io.ordo.core.model.ChildPolicy childPolicy;
    int spawned;
    com.fasterxml.jackson.databind.node.ObjectNode meta;
    final String webhookUrl;
    final String requires;
    boolean webhookQueued;

    MemoryRow(NewJob n) {
        id = n.id();
        type = n.type();
        queue = n.queue();
        priority = n.priority();
        payload = n.payload();
        status = n.status();
        maxAttempts = n.maxAttempts();
        runAt = n.runAt();
        timeout = n.timeout();
        parentId = n.parentId();
        rootId = n.rootId() == null ? n.id() : n.rootId();
        definitionId = n.definitionId();
        step = n.step();
        depth = n.depth();
        resultTtl = n.resultTtl();
        uniqueKey = n.uniqueKey();
        cacheKey = n.cacheKey();
        tags = n.tags();
        backoffBase = n.backoffBase();
        backoffCap = n.backoffCap();
        createdAt = n.createdAt();
        updatedAt = n.createdAt();
        scopeId = n.scopeId();
        webhookUrl = n.webhookUrl();
        requires = n.requires();
        dedupKey = n.dedupKey();
        childPolicy = n.childPolicy();
        meta = n.meta().isObject() ? (com.fasterxml.jackson.databind.node.ObjectNode) n.meta().deepCopy()
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        Job j = n.toJob();
        result = j.result();
        resultExpiresAt = j.resultExpiresAt();
        error = j.error();
        startedAt = j.startedAt();
        finishedAt = j.finishedAt();
    }

    boolean holds(Lease lease) {
        return status == JobStatus.RUNNING && lease.owner().equals(leaseOwner) && lease.attempt() == attempt;
    }

    Job toJob() {
        return new Job(id, type, queue, priority, payload == null ? null : payload.deepCopy(), status, attempt,
                maxAttempts, runAt, leaseOwner, leaseUntil, timeout, parentId, rootId, definitionId, step, depth,
                progressCurrent, progressTotal, progressText, result == null ? null : result.deepCopy(),
                resultExpiresAt, resultTtl, error, errors, uniqueKey, cacheKey, tags, backoffBase, backoffCap,
                cancelRequested, createdAt, startedAt, finishedAt, updatedAt, scopeId, dedupKey, childPolicy, spawned,
                meta.deepCopy(), webhookUrl, requires);
    }
}
