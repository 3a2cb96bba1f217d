package io.ordo.redis;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.model.JobRequest;
import io.ordo.core.ops.QueueStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The broker's own count beside the store's: in queue stats and as a metric. */
class RedisQueueStatsTest {
    @Test
    void queueStatsAndMetricsShowWhatRedisHolds(@TempDir Path dir) {
        String queue = "qs-" + UUID.randomUUID().toString().substring(0, 8);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        OrdoConfig config = OrdoConfig.defaults().storeUrl("jdbc:sqlite:" + dir.resolve("ordo.db"))
                .queueBackend(RedisTransportContractTest.URL).workers(false).meterRegistry(registry);
        try (Ordo o = Ordo.create(config).start()) {
            List<JobRequest> reqs = new ArrayList<>();
            for (int i = 0; i < 12; i++) reqs.add(JobRequest.of("noop").queue(queue));
            o.jobs().submitBatch(reqs);
            await().atMost(Duration.ofSeconds(10)).until(() -> stats(o, queue) != null && Long.valueOf(12).equals(stats(o, queue).transportMessages()));
            assertThat(stats(o, queue).pending()).isEqualTo(12);
            // the node reads the counts again every few seconds
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                var g = registry.find("ordo.queue.transport.messages").tag("queue", queue).gauge();
                return g != null && g.value() == 12.0;
            });
            assertThat(o.queues().purge(queue).messagesDropped()).isEqualTo(12);
        }
    }

    private static QueueStats stats(Ordo o, String queue) {
        return o.queues().stats().stream().filter(s -> s.queue().equals(queue)).findFirst().orElse(null);
    }
}
