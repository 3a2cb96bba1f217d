package io.ordo.core.util;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class UuidsTest {
    @Test
    void idsAreVersion7AndIncreaseEvenWithinAMillisecond() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) ids.add(Uuids.v7(1_700_000_000_000L)); // same millisecond
        for (int i = 1; i < ids.size(); i++) {
            assertThat(Uuids.ORDER.compare(ids.get(i - 1), ids.get(i))).isNegative();
            assertThat(ids.get(i - 1).toString().compareTo(ids.get(i).toString())).as("text order = id order").isNegative();
        }
        assertThat(ids.get(0).version()).isEqualTo(7);
        assertThat(ids.get(0).variant()).isEqualTo(2);
    }

    @Test
    void orderIsUnsigned() {
        UUID small = new UUID(0x0000000000000001L, 0);
        UUID big = new UUID(0x8000000000000000L, 0); // negative as a signed long
        assertThat(Uuids.ORDER.compare(small, big)).isNegative();
        assertThat(small.compareTo(big)).as("java's own order is signed").isPositive();
    }

    @Test
    void laterMillisecondsSortLater() {
        UUID a = Uuids.v7(System.currentTimeMillis() + 10_000);
        UUID b = Uuids.v7(System.currentTimeMillis() + 20_000);
        assertThat(Uuids.ORDER.compare(a, b)).isNegative();
    }
}
