package io.ordo.core.util;

import io.ordo.core.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {
    @Test
    void parsesTheFormsUsersWrite() {
        assertThat(Durations.parse("d", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("d", "10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(Durations.parse("d", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("d", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("d", "2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("d", "PT3S")).isEqualTo(Duration.ofSeconds(3));
        assertThat(Durations.parse("d", "1500")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("d", " 2S ")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void rejectsGarbageWithTheFieldName() {
        for (String bad : new String[]{"", "abc", "10 s", "1x", "-5s", "PT-3S", "s10", "99999999999999999999"}) {
            assertThatThrownBy(() -> Durations.parse("timeout", bad)).as(bad)
                    .isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("timeout:");
        }
    }

    @Test
    void formatsShort() {
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofDays(3))).isEqualTo("3d");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        for (String s : new String[]{"1500ms", "1m30s", "2h", "3d", "45s"}) {
            assertThat(Durations.format(Durations.parse("d", s))).isEqualTo(s);
        }
    }
}
