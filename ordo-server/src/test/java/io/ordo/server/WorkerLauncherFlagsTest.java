package io.ordo.server;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a launched worker is told about its capabilities. */
class WorkerLauncherFlagsTest {
    @Test
    void eachCapabilityIsOneFlagInKeyOrder() {
        Map<String, String> caps = new LinkedHashMap<>();
        caps.put("gpu", "1");
        caps.put("class", "io");
        assertThat(WorkerLauncher.capabilityFlags(caps)).containsExactly("--capability", "class=io", "--capability", "gpu=1");
        assertThat(WorkerLauncher.capabilityFlags(Map.of())).isEqualTo(List.of());
    }
}
