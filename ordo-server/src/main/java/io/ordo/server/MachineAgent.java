package io.ordo.server;

import io.ordo.core.ops.NodeAgent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code ordo server} and {@code ordo worker} do on their machine when a node order asks: launch a worker
 * process (through the node's {@link WorkerLauncher}, which stops it when the node stops) and stop the node
 * gracefully, as SIGTERM would.
 */
final class MachineAgent implements NodeAgent {
    private final WorkerLauncher launcher;
    private final Runnable close;

    MachineAgent(WorkerLauncher launcher, Runnable close) {
        this.launcher = launcher;
        this.close = close;
    }

    @Override
    public Map<String, Object> launch(int concurrency, List<String> queues, Map<String, String> capabilities) {
        List<QueueSpec> specs = new ArrayList<>();
        for (String q : queues) specs.add(QueueSpec.parse(q));
        WorkerLauncher.Launched l = launcher.launch(concurrency, specs, capabilities);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("node_id", l.nodeId());
        out.put("pid", l.pid());
        out.put("log", l.log().toAbsolutePath().toString());
        return out;
    }

    /** On its own thread: the close waits for the operations loop that carries this order out. */
    @Override
    public void stop() {
        Thread.ofPlatform().name("ordo-stop").start(close);
    }
}
