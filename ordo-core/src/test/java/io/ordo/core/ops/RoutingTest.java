package io.ordo.core.ops;

import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.model.NewJob;
import io.ordo.core.util.Json;
import io.ordo.core.util.Uuids;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingTest {
    private static final Instant T0 = Instant.parse("2031-03-01T10:00:00Z");

    private static Job job(String requires, JobStatus status) {
        NewJob n = new NewJob(Uuids.v7(), "render", "default", 0, Json.MAPPER.createObjectNode(), JobStatus.PENDING, 3, T0, null,
                null, null, null, null, 0, null, null, null, List.of(), null, null, T0).withRequires(requires);
        Job j = n.toJob();
        return status == JobStatus.PENDING ? j : new Job(j.id(), j.type(), j.queue(), 0, j.payload(), status, 1, 3, T0, "n", null,
                null, null, j.rootId(), null, null, 0, 0, 0, null, null, null, null, null, List.of(), null, null, List.of(), null, null,
                false, T0, T0, null, T0, null, null, null, 0, null, null, requires);
    }

    private static NodeView node(String state, Map<String, String> caps, String... types) {
        return new NodeView(new NodeInfo("n-" + caps, "h", 1, "v", T0, T0, null, List.of("default"), List.of(types), 0, 4, false, caps), state, false);
    }

    @Test
    void aPendingJobNoAliveNodeCanRunSaysWhatItWaitsFor() {
        List<NodeView> nodes = List.of(node(NodeView.ALIVE, Map.of("class", "io"), "render"),
                node(NodeView.LOST, Map.of("gpu", "1"), "render"));
        assertThat(Routing.waitingFor(job("gpu=1", JobStatus.PENDING), nodes)).isEqualTo("a node with gpu=1");
        assertThat(Routing.waitingFor(job("class=io", JobStatus.PENDING), nodes)).isNull();
        assertThat(Routing.waitingFor(job("", JobStatus.PENDING), nodes)).isNull();
        assertThat(Routing.waitingFor(job("gpu=1", JobStatus.RUNNING), nodes)).isNull();
    }

    @Test
    void aNodeWithTheCapabilitiesMustAlsoServeTheJobsType() {
        List<NodeView> nodes = List.of(node(NodeView.ALIVE, Map.of("gpu", "1"), "other"), node(NodeView.ALIVE, Map.of(), "render"));
        assertThat(Routing.waitingFor(job("gpu=1", JobStatus.PENDING), nodes))
                .isEqualTo("a node with gpu=1 serving queue default and type render");
        assertThat(Routing.waitingFor(job("", JobStatus.PENDING), List.of(node(NodeView.ALIVE, Map.of(), "other"))))
                .isEqualTo("a node serving queue default and type render");
        assertThat(Routing.waitingFor(job("", JobStatus.PENDING), List.of())).as("no node has reported yet").isNull();
    }
}
