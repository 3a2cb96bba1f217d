package io.ordo.core.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.Jobs;
import io.ordo.core.engine.JobFactory;
import io.ordo.core.engine.JobMonitor;
import io.ordo.core.model.ChildCounts;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.model.Page;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;
import io.ordo.core.util.Uuids;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Batches with callbacks. A batch is a job of type {@value #TYPE} that starts {@code waiting}, with
 * the batch's jobs as its children; it is never claimed. Whenever one of them ends, the
 * {@link JobMonitor} calls {@link #evaluate}; once none is live it inserts the callbacks as
 * children of the batch with the dedup key {@code batch:<id>:<kind>} (so two nodes, or a re-check
 * after a crash, create each callback once) and then ends the batch job, which only one node can
 * do. A node dying between the two steps leaves the batch waiting; the leader's sweep re-checks it.
 * Failed jobs do not stop the others: the batch waits for all of them.
 */
public final class Batches implements JobMonitor.ParentEvaluator {
    public static final String TYPE = JobStore.BATCH_TYPE;
    public static final String ON_COMPLETE = "on_complete";
    public static final String ON_SUCCESS = "on_success";
    public static final String ON_FAILURE = "on_failure";
    private static final List<String> KINDS = List.of(ON_COMPLETE, ON_SUCCESS, ON_FAILURE);
    /** At most this many callbacks of one batch exist: on_complete and one of on_success/on_failure. */
    private static final int MAX_CALLBACKS = 2;
    private static final int MAX_NAME = 255;
    private static final int PAGE = 1000;

    private final JobStore store;
    private final JobFactory factory;
    private final Supplier<InsertOptions> insertOptions;
    private final Clock clock;
    private final Consumer<List<Job>> onInserted;
    private JobMonitor monitor;

    public Batches(JobStore store, JobFactory factory, Supplier<InsertOptions> insertOptions, Clock clock, Consumer<List<Job>> onInserted) {
        this.store = store;
        this.factory = factory;
        this.insertOptions = insertOptions;
        this.clock = clock;
        this.onInserted = onInserted;
    }

    public void attach(JobMonitor monitor) {
        this.monitor = monitor;
        monitor.register(TYPE, this);
    }

    // ---- submitting ---------------------------------------------------------------------------

    /** Stores the batch job and its jobs in one transaction (all or none) and returns the batch. */
    public Batch submit(BatchRequest r) {
        if (r.jobs().isEmpty()) throw new BatchFieldException("jobs", "a batch needs at least one job");
        if (r.jobs().size() > Jobs.MAX_BATCH) {
            throw new BatchFieldException("jobs", "a batch holds at most " + Jobs.MAX_BATCH + " jobs (got " + r.jobs().size() + ")");
        }
        if (r.name() != null && (r.name().isBlank() || r.name().length() > MAX_NAME)) {
            throw new BatchFieldException("name", "must be 1-" + MAX_NAME + " characters");
        }
        JsonNode meta = r.meta() == null ? null : Json.toTree(r.meta());
        if (meta != null && !meta.isObject()) throw new BatchFieldException("meta", "must be a JSON object");
        Instant now = clock.instant();
        ObjectNode payload = Json.MAPPER.createObjectNode();
        if (r.name() != null) payload.put("name", r.name());
        payload.put("size", r.jobs().size());
        if (meta != null) payload.set("meta", meta);
        ObjectNode callbacks = payload.putObject("callbacks");
        Map<String, JobRequest> given = new LinkedHashMap<>();
        given.put(ON_COMPLETE, r.onComplete());
        given.put(ON_SUCCESS, r.onSuccess());
        given.put(ON_FAILURE, r.onFailure());
        given.forEach((kind, req) -> {
            if (req != null) callbacks.set(kind, CallbackSpec.write(kind, req));
        });
        NewJob batch = new NewJob(Uuids.v7(), TYPE, "default", 0, payload, JobStatus.WAITING, 1, now, null, null, null,
                null, null, 0, null, null, null, List.of(), null, null, now);
        Job batchJob = batch.toJob();
        // a callback that could never be built fails the submit, not the batch's end
        callbacks.properties().forEach(e -> {
            try {
                factory.build(callbackRequest(batchJob, e.getKey(), e.getValue(), ChildCounts.NONE, List.of(), List.of(), List.of()), batchJob, now);
            } catch (io.ordo.core.UnknownJobTypeException u) {
                throw new BatchFieldException(e.getKey() + ".type", u.getMessage());
            } catch (InvalidRequestException x) {
                throw new BatchFieldException(e.getKey(), x.getMessage());
            }
        });
        for (int i = 0; i < r.jobs().size(); i++) {
            // the jobs of a batch are children of its batch job, and children cannot wait on jobs
            if (r.jobs().get(i).hasDependencies()) {
                throw new BatchFieldException("jobs[" + i + "].depends_on", "the jobs of a batch with callbacks cannot have depends_on "
                        + "(submit them without on_complete/on_success/on_failure/name/meta to use depends_on)");
            }
        }
        List<NewJob> rows = new ArrayList<>(r.jobs().size() + 1);
        rows.add(batch);
        rows.addAll(factory.build(r.jobs(), batchJob, now));
        List<SubmitResult> results = store.insert(rows, insertOptions.get());
        List<Job> created = results.stream().skip(1).filter(SubmitResult::created).map(SubmitResult::job).toList();
        if (!created.isEmpty()) onInserted.accept(created);
        // a batch whose jobs were all answered by existing ones ends here; the sweep covers a crash
        monitor.check(batch.id());
        return view(results.get(0).job());
    }

    // ---- ending -------------------------------------------------------------------------------

    @Override
    public void evaluate(Job batch, ChildCounts children, JobMonitor monitor) {
        if (batch.status() != JobStatus.WAITING) return;
        if (children.live() > MAX_CALLBACKS) { // some of the batch's own jobs still run
            monitor.publishProgress(batch, children, false);
            return;
        }
        Map<String, Job> made = callbacks(batch.id());
        ChildCounts members = minus(children, made.values());
        if (members.live() > 0) {
            monitor.publishProgress(batch, members, false);
            return;
        }
        boolean ok = members.get(JobStatus.FAILED) + members.get(JobStatus.CANCELLED) == 0;
        JsonNode specs = batch.payload().path("callbacks");
        Instant now = clock.instant();
        List<NewJob> create = new ArrayList<>();
        Ids ids = null;
        for (String kind : List.of(ON_COMPLETE, ok ? ON_SUCCESS : ON_FAILURE)) {
            if (!specs.has(kind) || made.containsKey(kind)) continue;
            if (ids == null) ids = ids(batch.id(), made);
            JobRequest req = callbackRequest(batch, kind, specs.get(kind), members, ids.all, ids.failed, ids.cancelled);
            create.add(factory.build(req, batch, now));
        }
        if (!create.isEmpty()) {
            List<Job> created = store.insert(create, insertOptions.get()).stream().filter(SubmitResult::created).map(SubmitResult::job).toList();
            if (!created.isEmpty()) onInserted.accept(created);
        }
        store.setProgress(batch.id(), members.terminal(), members.total(), members.progressText(), now);
        String error = ok ? null : members.get(JobStatus.FAILED) + " failed and " + members.get(JobStatus.CANCELLED)
                + " cancelled of " + members.total() + " jobs";
        if (store.finishWaiting(batch.id(), ok ? JobStatus.COMPLETED : JobStatus.FAILED, error, null, now)) {
            monitor.publishProgress(batch, members, true);
        }
    }

    private JobRequest callbackRequest(Job batch, String kind, JsonNode spec, ChildCounts members,
                                       List<UUID> all, List<UUID> failed, List<UUID> cancelled) {
        ObjectNode p = Json.MAPPER.createObjectNode();
        p.put("batch_id", batch.id().toString());
        if (batch.payload().has("name")) p.put("name", batch.payload().get("name").asText());
        p.put("kind", kind);
        ObjectNode counts = p.putObject("counts");
        counts.put("total", members.total());
        counts.put("completed", members.get(JobStatus.COMPLETED));
        counts.put("failed", members.get(JobStatus.FAILED));
        counts.put("cancelled", members.get(JobStatus.CANCELLED));
        counts.put("skipped", members.get(JobStatus.SKIPPED));
        p.set("job_ids", uuids(all));
        p.set("failed_ids", uuids(failed));
        p.set("cancelled_ids", uuids(cancelled));
        p.set("payload", spec.has("payload") ? spec.get("payload") : Json.MAPPER.createObjectNode());
        return CallbackSpec.read(spec, p).dedupKey(dedupKey(batch.id(), kind));
    }

    private static ArrayNode uuids(List<UUID> ids) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        ids.forEach(id -> a.add(id.toString()));
        return a;
    }

    private record Ids(List<UUID> all, List<UUID> failed, List<UUID> cancelled) {
    }

    /** The batch's own jobs (oldest first), the callbacks left out. */
    private Ids ids(UUID batchId, Map<String, Job> callbacks) {
        List<UUID> all = new ArrayList<>();
        List<UUID> failed = new ArrayList<>();
        List<UUID> cancelled = new ArrayList<>();
        java.util.Set<UUID> skip = new java.util.HashSet<>();
        callbacks.values().forEach(c -> skip.add(c.id()));
        String cursor = null;
        do {
            Page<Job> page = store.list(JobFilter.ALL.withParent(batchId), cursor, PAGE);
            for (Job j : page.items()) {
                if (skip.contains(j.id()) || isCallbackOf(batchId, j)) continue;
                all.add(j.id());
                if (j.status() == JobStatus.FAILED) failed.add(j.id());
                if (j.status() == JobStatus.CANCELLED) cancelled.add(j.id());
            }
            cursor = page.nextCursor();
        } while (cursor != null);
        return new Ids(all.reversed(), failed.reversed(), cancelled.reversed());
    }

    static String dedupKey(UUID batchId, String kind) {
        return "batch:" + batchId + ":" + kind;
    }

    private static boolean isCallbackOf(UUID batchId, Job j) {
        return j.dedupKey() != null && j.dedupKey().startsWith("batch:" + batchId + ":");
    }

    /**
     * The callbacks made so far, by kind. They are created after every job of the batch, so they
     * are its newest children (listings are newest first).
     */
    private Map<String, Job> callbacks(UUID batchId) {
        Map<String, Job> out = new LinkedHashMap<>();
        for (Job j : store.list(JobFilter.ALL.withParent(batchId), null, MAX_CALLBACKS + 1).items()) {
            if (isCallbackOf(batchId, j)) out.put(j.dedupKey().substring(j.dedupKey().lastIndexOf(':') + 1), j);
        }
        return out;
    }

    private static ChildCounts minus(ChildCounts children, java.util.Collection<Job> callbacks) {
        if (callbacks.isEmpty()) return children;
        Map<JobStatus, Long> m = new EnumMap<>(children.byStatus());
        callbacks.forEach(c -> m.merge(c.status(), -1L, Long::sum));
        return new ChildCounts(m);
    }

    // ---- reading ------------------------------------------------------------------------------

    public Optional<Batch> get(UUID id) {
        return store.get(id).filter(j -> TYPE.equals(j.type())).map(this::view);
    }

    public Batch require(UUID id) {
        return get(id).orElseThrow(() -> new JobNotFoundException("batch " + id + " not found"));
    }

    /** Batches newest first. */
    public Page<Batch> list(String cursor, int limit) {
        if (limit < 1 || limit > Jobs.MAX_PAGE) throw new InvalidRequestException("limit must be 1-" + Jobs.MAX_PAGE + " (got " + limit + ")");
        Page<Job> page = store.batches(cursor, limit);
        return new Page<>(page.items().stream().map(this::view).toList(), page.nextCursor());
    }

    private Batch view(Job b) {
        ChildCounts children = new ChildCounts(store.childCounts(b.id()));
        Map<String, Job> made = children.total() == 0 ? Map.of() : callbacks(b.id());
        ChildCounts members = minus(children, made.values());
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) counts.put(s, members.get(s));
        Map<String, UUID> callbackIds = new LinkedHashMap<>();
        for (String kind : KINDS) if (made.containsKey(kind)) callbackIds.put(kind, made.get(kind).id());
        String status = switch (b.status()) {
            case COMPLETED -> "completed";
            case FAILED -> "failed";
            case CANCELLED -> "cancelled";
            default -> "running";
        };
        JsonNode p = b.payload();
        return new Batch(b.id(), p.has("name") ? p.get("name").asText() : null, status, members.total(), counts,
                members.terminal(), callbackIds, p.has("meta") ? p.get("meta") : null, b.createdAt(), b.finishedAt());
    }
}
