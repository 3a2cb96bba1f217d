package io.ordo.core.ops;

import io.ordo.core.model.Capabilities;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;

import java.util.List;

/**
 * Why a pending job waits, told from the nodes' last reports at read time (nothing polls the jobs):
 * no alive node has the capabilities it requires, or none serves its queue and type.
 */
public final class Routing {
    private Routing() {
    }

    /**
     * What the job waits for, e.g. {@code "a node with gpu=1"}, or null when some alive node could
     * claim it (or it is not pending).
     */
    public static String waitingFor(Job job, List<NodeView> nodes) {
        if (job.status() != JobStatus.PENDING) return null;
        Capabilities required = job.requirements();
        List<NodeInfo> alive = nodes.stream().filter(n -> NodeView.ALIVE.equals(n.state())).map(NodeView::node).toList();
        List<NodeInfo> able = alive.stream().filter(n -> Capabilities.of(n.capabilities(), "node").satisfies(required)).toList();
        String with = required.isEmpty() ? "" : " with " + required.describe();
        if (able.isEmpty() && !required.isEmpty()) return "a node" + with;
        boolean served = able.stream().anyMatch(n -> n.queues().contains(job.queue()) && n.types().contains(job.type()));
        if (served || alive.isEmpty() && required.isEmpty()) return null;
        return "a node" + with + " serving queue " + job.queue() + " and type " + job.type();
    }
}
