package io.ordo.testkit;

import io.ordo.core.model.Capabilities;
import io.ordo.core.model.Job;
import io.ordo.core.model.NewJob;
import io.ordo.core.ops.NodeInfo;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Capabilities and routing: a job's requirements are stored with it, and a claim takes only the
 * jobs whose requirements are among the claiming node's keys (the subsets of its capabilities).
 */
public abstract class JobStoreRoutingContract extends JobStoreContractBase {
    private static final Set<String> PLAIN_NODE = ClaimRequest.NO_CAPABILITIES;
    private static final Set<String> GPU_NODE = caps("gpu=1", "class=io", "zone=eu").subsetKeys();
    private static final Set<String> IO_NODE = caps("class=io").subsetKeys();

    private static Capabilities caps(String... pairs) {
        return Capabilities.parse(List.of(pairs), "test");
    }

    private static NewJob requiring(String canonical, int priority) {
        return TestJobs.at(T0).priority(priority).build().withRequires(canonical);
    }

    private List<Job> claimWith(Set<String> keys, int limit) {
        return store.claim(new ClaimRequest("default", ALL_TYPES, limit, "w", LEASE, T0, keys));
    }

    @Test
    void requirementsAreStoredWithTheJob() {
        Job gpu = insert(requiring("gpu=1", 0));
        Job plain = insert(TestJobs.at(T0));
        assertThat(get(gpu.id()).requires()).isEqualTo("gpu=1");
        assertThat(get(gpu.id()).requirements().asMap()).isEqualTo(Map.of("gpu", "1"));
        assertThat(gpu.requires()).isEqualTo("gpu=1");
        assertThat(get(plain.id()).requires()).isEmpty();
    }

    @Test
    void aJobRequiringACapabilityIsClaimedOnlyByANodeThatHasIt() {
        Job gpu = insert(requiring("gpu=1", 0)); // first in claim order
        Job plain = insert(requiring("", 1));
        Job io = insert(requiring("class=io", 2));

        // a node without capabilities passes the gpu job by and takes the plain one behind it
        assertThat(claimWith(PLAIN_NODE, 1)).extracting(Job::id).containsExactly(plain.id());
        assertThat(claimWith(PLAIN_NODE, 10)).isEmpty();
        // class=io alone does not meet gpu=1
        assertThat(claimWith(IO_NODE, 10)).extracting(Job::id).containsExactly(io.id());
        // gpu=1 with other capabilities does
        assertThat(claimWith(GPU_NODE, 10)).extracting(Job::id).containsExactly(gpu.id());
        assertThat(get(gpu.id()).leaseOwner()).isEqualTo("w");
    }

    @Test
    void everyNodeClaimsJobsWithoutRequirementsAndAllPairsMustMatch() {
        Job both = insert(requiring("class=io,gpu=1", 0));
        Job other = insert(requiring("gpu=2", 0));
        Job plain = insert(TestJobs.at(T0).priority(5));
        assertThat(claimWith(IO_NODE, 10)).extracting(Job::id).containsExactly(plain.id());
        assertThat(claimWith(caps("gpu=1").subsetKeys(), 10)).isEmpty(); // has gpu=1 but not class=io; gpu=2 is another value
        assertThat(claimWith(GPU_NODE, 10)).extracting(Job::id).containsExactly(both.id());
        assertThat(get(other.id()).status()).isEqualTo(io.ordo.core.model.JobStatus.PENDING);
    }

    @Test
    void theDefaultClaimRequestMeetsNoRequirements() {
        insert(requiring("gpu=1", 0));
        Job plain = insert(TestJobs.at(T0).priority(1));
        assertThat(claim("w", 10, T0)).extracting(Job::id).containsExactly(plain.id());
    }

    @Test
    void claimByIdsSkipsJobsTheNodeCannotRunAndLeavesThemPending() {
        Job gpu = insert(requiring("gpu=1", 0));
        Job plain = insert(TestJobs.at(T0));
        List<Job> got = store.claimIds(new ClaimRequest("default", ALL_TYPES, 10, "w", LEASE, T0, PLAIN_NODE),
                List.of(gpu.id(), plain.id()));
        assertThat(got).extracting(Job::id).containsExactly(plain.id());
        assertThat(get(gpu.id()).status()).isEqualTo(io.ordo.core.model.JobStatus.PENDING);
        assertThat(store.claimIds(new ClaimRequest("default", ALL_TYPES, 10, "g", LEASE, T0, GPU_NODE), List.of(gpu.id())))
                .extracting(Job::id).containsExactly(gpu.id());
    }

    @Test
    void requirementsSurviveTheWideInsertPathAndMixedBatches() {
        NewJob withMeta = TestJobs.at(T0).build().withRequires("gpu=1");
        withMeta = withMeta.withStatus(withMeta.status(), null, null, Json.MAPPER.createObjectNode().put("note", "x"))
                .withRequires("gpu=1");
        List<SubmitResult> out = store.insert(List.of(withMeta, TestJobs.at(T0).build(), requiring("class=io", 0)), InsertOptions.NONE);
        assertThat(out).extracting(r -> r.job().requires()).containsExactly("gpu=1", "", "class=io");
        for (SubmitResult r : out) assertThat(get(r.job().id()).requires()).isEqualTo(r.job().requires());
        UUID id = out.get(0).job().id();
        assertThat(get(id).meta().get("note").asText()).isEqualTo("x");
    }

    @Test
    void nodesReportTheirCapabilities() {
        store.saveNode(new NodeInfo("gpu-node", "h", 1, "v", T0, T0, null, List.of("default"), List.of("noop"), 0, 4, false,
                Map.of("gpu", "1", "class", "io")));
        store.saveNode(new NodeInfo("plain", "h", 2, "v", T0, T0, null, List.of("default"), List.of("noop"), 0, 4));
        assertThat(store.nodes()).filteredOn(n -> n.id().equals("gpu-node")).singleElement()
                .satisfies(n -> assertThat(n.capabilities()).isEqualTo(Map.of("gpu", "1", "class", "io")));
        assertThat(store.nodes()).filteredOn(n -> n.id().equals("plain")).singleElement()
                .satisfies(n -> assertThat(n.capabilities()).isEmpty());
    }
}
