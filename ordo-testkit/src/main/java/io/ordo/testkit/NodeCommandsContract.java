package io.ordo.testkit;

import io.ordo.core.ops.NodeCommand;
import io.ordo.core.ops.NodeInfo;
import io.ordo.core.util.Uuids;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Orders to nodes in the store: stored, taken once by the node they address, finished, pruned; and a node's drain flag. */
public abstract class NodeCommandsContract extends JobStoreContractBase {

    private NodeCommand send(String node, String kind, Map<String, Object> args, int second) {
        NodeCommand c = NodeCommand.of(Uuids.v7(), node, kind, args, at(second));
        store.addNodeCommand(c);
        return c;
    }

    @Test
    void anOrderIsStoredTakenByItsNodeOnlyAndFinished() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("concurrency", 3);
        args.put("queues", List.of("gpu=2:10"));
        args.put("capabilities", Map.of("gpu", "1"));
        NodeCommand launch = send("node-a", NodeCommand.LAUNCH, args, 0);
        NodeCommand drain = send("node-a", NodeCommand.DRAIN, Map.of(), 1);
        NodeCommand other = send("node-b", NodeCommand.STOP, Map.of(), 2);

        NodeCommand stored = store.nodeCommand(launch.id()).orElseThrow();
        assertThat(stored).isEqualTo(launch);
        assertThat(stored.status()).isEqualTo("pending");
        assertThat(store.nodeCommand(UUID.randomUUID())).isEmpty();

        List<NodeCommand> taken = store.takeNodeCommands("node-a", at(5));
        assertThat(taken).extracting(NodeCommand::id).containsExactly(launch.id(), drain.id());
        assertThat(taken.getFirst().args()).isEqualTo(args);
        assertThat(taken.getFirst().takenBy()).isEqualTo("node-a");
        assertThat(taken.getFirst().takenAt()).isEqualTo(at(5));
        assertThat(taken.getFirst().status()).isEqualTo("running");
        assertThat(store.takeNodeCommands("node-a", at(6))).isEmpty();
        assertThat(store.nodeCommand(other.id()).orElseThrow().status()).isEqualTo("pending");

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("node_id", "worker-1");
        result.put("pid", 4242);
        store.finishNodeCommand(launch.id(), result, null, at(7));
        store.finishNodeCommand(drain.id(), null, "no such thing", at(8));
        NodeCommand done = store.nodeCommand(launch.id()).orElseThrow();
        assertThat(done.status()).isEqualTo("done");
        assertThat(done.finishedAt()).isEqualTo(at(7));
        assertThat(done.result()).isEqualTo(result);
        assertThat(done.error()).isNull();
        NodeCommand failed = store.nodeCommand(drain.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.result()).isNull();
        assertThat(failed.error()).isEqualTo("no such thing");
    }

    @Test
    void anOrderTakenByTwoTakersAtOnceGoesToOne() throws Exception {
        List<UUID> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) sent.add(send("node-a", NodeCommand.DRAIN, Map.of("n", i), i).id());
        int takers = 4;
        CyclicBarrier start = new CyclicBarrier(takers);
        ExecutorService pool = Executors.newFixedThreadPool(takers);
        try {
            List<Future<List<NodeCommand>>> fs = new ArrayList<>();
            for (int t = 0; t < takers; t++) {
                Callable<List<NodeCommand>> take = () -> {
                    start.await();
                    List<NodeCommand> got = new ArrayList<>();
                    for (int k = 0; k < 5; k++) got.addAll(store.takeNodeCommands("node-a", at(30)));
                    return got;
                };
                fs.add(pool.submit(take));
            }
            List<UUID> taken = new ArrayList<>();
            for (Future<List<NodeCommand>> f : fs) f.get().forEach(c -> taken.add(c.id()));
            assertThat(taken).containsExactlyInAnyOrderElementsOf(sent);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oldOrdersArePruned() {
        NodeCommand old = send("node-a", NodeCommand.DRAIN, Map.of(), 0);
        NodeCommand recent = send("node-a", NodeCommand.RESUME, Map.of(), 10);
        assertThat(store.pruneNodeCommands(at(5))).isEqualTo(1);
        assertThat(store.nodeCommand(old.id())).isEmpty();
        assertThat(store.nodeCommand(recent.id())).isPresent();
    }

    @Test
    void aNodeRowSaysWhetherItDrains() {
        store.saveNode(new NodeInfo("n1", "h", 1, "dev", at(0), at(1), null, List.of("default"), List.of("noop"), 2, 8, true));
        store.saveNode(new NodeInfo("n2", "h", 2, "dev", at(0), at(1), null, List.of("default"), List.of("noop"), 0, 8));
        assertThat(store.nodes()).extracting(NodeInfo::id, NodeInfo::draining).containsExactly(
                org.assertj.core.groups.Tuple.tuple("n1", true), org.assertj.core.groups.Tuple.tuple("n2", false));
        store.saveNode(new NodeInfo("n1", "h", 1, "dev", at(0), at(2), null, List.of("default"), List.of("noop"), 0, 8, false));
        assertThat(store.nodes().getFirst().draining()).isFalse();
    }
}
