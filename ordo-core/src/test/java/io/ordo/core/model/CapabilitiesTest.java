package io.ordo.core.model;

import io.ordo.core.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapabilitiesTest {
    @Test
    void canonicalTextIsSortedPairsJoinedByCommas() {
        Capabilities c = Capabilities.parse(List.of("zone=eu", "gpu=1", "class=io"), "x");
        assertThat(c.canonical()).isEqualTo("class=io,gpu=1,zone=eu");
        assertThat(Capabilities.fromCanonical(c.canonical())).isEqualTo(c);
        assertThat(Capabilities.NONE.canonical()).isEmpty();
        assertThat(Capabilities.of(Map.of("gpu", 1), "x").canonical()).isEqualTo("gpu=1");
        assertThat(Capabilities.parseList(" gpu=1 , class=io ", "x").canonical()).isEqualTo("class=io,gpu=1");
    }

    @Test
    void aNodesKeysAreEverySubsetOfItsPairs() {
        Capabilities c = Capabilities.parse(List.of("gpu=1", "class=io"), "x");
        assertThat(c.subsetKeys()).containsExactlyInAnyOrder("", "class=io", "gpu=1", "class=io,gpu=1");
        assertThat(Capabilities.NONE.subsetKeys()).containsExactly("");
        List<String> eight = List.of("a=1", "b=1", "c=1", "d=1", "e=1", "f=1", "g=1", "h=1");
        assertThat(Capabilities.parse(eight, "x").subsetKeys()).hasSize(256);
        // every job this node can run has its canonical text among the keys
        Capabilities node = Capabilities.parse(eight, "x");
        Capabilities job = Capabilities.parse(List.of("h=1", "c=1", "a=1"), "x");
        assertThat(node.satisfies(job)).isTrue();
        assertThat(node.subsetKeys()).contains(job.canonical());
    }

    @Test
    void everyRequiredPairMustBeAmongTheNodes() {
        Capabilities node = Capabilities.parse(List.of("gpu=1", "class=io"), "x");
        assertThat(node.satisfies(Capabilities.NONE)).isTrue();
        assertThat(node.satisfies(Capabilities.parse(List.of("gpu=1"), "x"))).isTrue();
        assertThat(node.satisfies(Capabilities.parse(List.of("gpu=2"), "x"))).isFalse();
        assertThat(node.satisfies(Capabilities.parse(List.of("gpu=1", "zone=eu"), "x"))).isFalse();
    }

    @Test
    void badSyntaxIsAClearError() {
        assertThatThrownBy(() -> Capabilities.parse(List.of("gpu"), "--capability"))
                .isInstanceOf(InvalidRequestException.class).hasMessage("--capability: 'gpu' is not key=value (e.g. gpu=1)");
        assertThatThrownBy(() -> Capabilities.parse(List.of("=1"), "--capability")).hasMessageContaining("key ''");
        assertThatThrownBy(() -> Capabilities.parse(List.of("gpu="), "--capability")).hasMessageContaining("the value of 'gpu'");
        assertThatThrownBy(() -> Capabilities.parse(List.of("GPU=1"), "--capability")).hasMessageContaining("key 'GPU'");
        assertThatThrownBy(() -> Capabilities.parse(List.of("gpu=1=2"), "--capability")).hasMessageContaining("without ',', '='");
        assertThatThrownBy(() -> Capabilities.parse(List.of("gpu=1", "gpu=2"), "--capability")).hasMessageContaining("given twice");
        assertThatThrownBy(() -> Capabilities.parseList("gpu=1,,class=io", "ORDO_CAPABILITIES")).hasMessageContaining("ORDO_CAPABILITIES");
        assertThatThrownBy(() -> Capabilities.of(Map.of("gpu", true), "requires")).hasMessageContaining("string or a number");
        assertThatThrownBy(() -> Capabilities.parse(List.of("a=1", "b=1", "c=1", "d=1", "e=1", "f=1", "g=1", "h=1", "i=1"), "--capability"))
                .hasMessageContaining("at most 8").hasMessageContaining("subset");
    }
}
