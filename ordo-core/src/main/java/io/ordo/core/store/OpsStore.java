package io.ordo.core.store;

import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What operations keep beside the jobs: queue flags, per-minute queue totals, nodes, webhook
 * deliveries and store-wide settings.
 */
public interface OpsStore {

    /** Pauses (workers stop claiming from it; submits still go in) or resumes a queue. */
    void setQueuePaused(String queue, boolean paused, Instant now);

    /** The queues that have a flag, and whether each is paused. */
    Map<String, Boolean> queueFlags();

    /** Replaces these nodes' rows for their minutes (each node writes its own running totals). */
    void saveQueueMinutes(List<io.ordo.core.ops.QueueMinute> minutes);

    /** Every node's rows for minutes at or after {@code since}. */
    List<io.ordo.core.ops.QueueMinute> queueMinutes(Instant since);

    int pruneQueueMinutes(Instant before);

    /** Creates or replaces a node's row. */
    void saveNode(io.ordo.core.ops.NodeInfo node);

    /** Every node known, by id. */
    List<io.ordo.core.ops.NodeInfo> nodes();

    /** Forgets nodes last seen before {@code before}. */
    int pruneNodes(Instant before);

    /** Stores a new order for a node (see {@link io.ordo.core.ops.NodeCommands}). */
    void addNodeCommand(io.ordo.core.ops.NodeCommand command);

    /** One order by id, whatever its state. */
    java.util.Optional<io.ordo.core.ops.NodeCommand> nodeCommand(UUID id);

    /**
     * Marks {@code node}'s orders not taken yet as taken by it at {@code now} and returns them, oldest first.
     * Atomic: two takers at once never get the same order.
     */
    List<io.ordo.core.ops.NodeCommand> takeNodeCommands(String node, Instant now);

    /** Records an order's outcome: a result, or an error. */
    void finishNodeCommand(UUID id, Map<String, Object> result, String error, Instant now);

    /** Forgets orders created before {@code before}. */
    int pruneNodeCommands(Instant before);

    /** Terminal jobs with a webhook URL whose delivery was not queued yet, oldest finished first. */
    List<Job> webhooksDue(int limit);

    /**
     * Queues the webhook delivery of a terminal job: in one transaction, marks the job's webhook as
     * queued and inserts {@code delivery}. False (nothing written) when it was queued already.
     */
    boolean queueWebhook(UUID jobId, NewJob delivery);

    /** A store-wide setting; the first call for a key stores {@code initial.get()} (atomically across nodes). */
    String setting(String key, java.util.function.Supplier<String> initial);
}
