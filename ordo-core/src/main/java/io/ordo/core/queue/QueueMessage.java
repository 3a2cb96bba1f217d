package io.ordo.core.queue;

import java.util.Objects;
import java.util.UUID;

/**
 * What a transport carries: the id of a job that became ready, and where it goes. The job itself
 * stays in the store; a worker that receives this claims the job by id there.
 *
 * @param jobId the job
 * @param queue the job's queue
 * @param type  the job's type: transports keep one channel per queue and type, so that a node only
 *              receives the types it has handlers for
 */
public record QueueMessage(UUID jobId, String queue, String type) {
    public QueueMessage {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(type, "type");
    }
}
