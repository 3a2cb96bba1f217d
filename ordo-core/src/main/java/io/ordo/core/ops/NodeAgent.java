package io.ordo.core.ops;

import java.util.List;
import java.util.Map;

/**
 * What a node can do on its machine beyond running jobs, set by the program that runs it ({@code ordo server},
 * {@code ordo worker}). An embedded node has none: it answers launch and stop orders with an error.
 */
public interface NodeAgent {
    /**
     * Starts a worker process on this machine against this node's store.
     *
     * @param queues       extra queues as {@code NAME=N[:CAP]}
     * @param capabilities what the worker declares ({@code gpu=1}), passed on as {@code --capability k=v}
     * @return what to record: at least {@code node_id}, {@code pid} and {@code log}
     */
    Map<String, Object> launch(int concurrency, List<String> queues, Map<String, String> capabilities);

    /** Starts this node's graceful shutdown (as SIGTERM does) and returns at once; the process then exits. */
    void stop();
}
