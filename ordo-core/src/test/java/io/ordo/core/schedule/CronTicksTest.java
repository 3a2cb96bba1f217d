package io.ordo.core.schedule;

import io.ordo.core.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tick computation across daylight-saving changes, both directions, in two zones. cron-utils 9.2.1
 * asked in the zone itself never runs a daily 02:30 on a Berlin spring-forward day and runs an hourly
 * cron at both 02:00s of a fall-back night; these are the cases checked here.
 */
class CronTicksTest {

    private static List<String> next(String cron, String zone, String from, int n) {
        CronTicks t = CronTicks.of(cron, zone);
        List<String> out = new ArrayList<>();
        Instant at = Instant.parse(from);
        for (int i = 0; i < n; i++) {
            at = t.next(at).orElseThrow();
            out.add(at.toString());
        }
        return out;
    }

    @Test
    void berlinSpringForwardRunsTheSkippedWallTimeOnceAtTheShiftedInstant() {
        // 2026-03-29 02:00 CET -> 03:00 CEST: 02:30 does not exist; it runs at 03:30 CEST (01:30Z)
        assertThat(next("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 3))
                .containsExactly("2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z");
        // hourly: 02:00 shifts onto 03:00, which is one tick, not two
        assertThat(next("0 * * * *", "Europe/Berlin", "2026-03-28T23:30:00Z", 3))
                .containsExactly("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z");
        assertThat(CronTicks.of("30 2 * * *", "Europe/Berlin").last(Instant.parse("2026-03-29T01:10:00Z")))
                .as("03:10 CEST: the shifted 02:30 is still ahead").contains(Instant.parse("2026-03-28T01:30:00Z"));
        assertThat(CronTicks.of("30 2 * * *", "Europe/Berlin").last(Instant.parse("2026-03-29T01:30:00Z")))
                .contains(Instant.parse("2026-03-29T01:30:00Z"));
    }

    @Test
    void berlinFallBackRunsTheDoubledWallTimeOnce() {
        // 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 occurs at 00:30Z and 01:30Z; only the first runs
        assertThat(next("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2))
                .containsExactly("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z");
        assertThat(next("0 * * * *", "Europe/Berlin", "2026-10-24T23:30:00Z", 3))
                .as("02:00 once (CEST), then 03:00 CET").containsExactly("2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", "2026-10-25T03:00:00Z");
        assertThat(next("*/30 * * * *", "Europe/Berlin", "2026-10-25T01:10:00Z", 1))
                .as("asked during the second 02:xx: the next new wall time is 03:00 CET").containsExactly("2026-10-25T02:00:00Z");
        assertThat(CronTicks.of("30 2 * * *", "Europe/Berlin").last(Instant.parse("2026-10-25T01:45:00Z")))
                .as("during the second 02:30 the newest tick is still the first").contains(Instant.parse("2026-10-25T00:30:00Z"));
    }

    @Test
    void newYorkSpringForwardRunsTheSkippedWallTimeOnce() {
        // 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 runs at 03:30 EDT (07:30Z)
        assertThat(next("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 3))
                .containsExactly("2026-03-08T07:30:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z");
        assertThat(next("*/30 * * * *", "America/New_York", "2026-03-08T06:45:00Z", 3))
                .as("01:30 EST, then 02:00 and 02:30 land on 03:00 and 03:30 EDT, each once")
                .containsExactly("2026-03-08T07:00:00Z", "2026-03-08T07:30:00Z", "2026-03-08T08:00:00Z");
    }

    @Test
    void newYorkFallBackRunsTheDoubledWallTimeOnce() {
        // 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 occurs at 05:30Z and 06:30Z; only the first runs
        assertThat(next("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", 2))
                .containsExactly("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z");
        assertThat(next("0 * * * *", "America/New_York", "2026-11-01T04:30:00Z", 3))
                .containsExactly("2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z", "2026-11-01T08:00:00Z");
        assertThat(CronTicks.of("30 1 * * *", "America/New_York").last(Instant.parse("2026-11-01T06:45:00Z")))
                .contains(Instant.parse("2026-11-01T05:30:00Z"));
    }

    @Test
    void utcByDefaultSixFieldsWithSecondsAndClearErrors() {
        assertThat(next("0 3 * * *", null, "2026-06-01T10:00:00Z", 1)).containsExactly("2026-06-02T03:00:00Z");
        assertThat(next("*/15 * * * * *", "UTC", "2026-06-01T10:00:01Z", 2)).containsExactly("2026-06-01T10:00:15Z", "2026-06-01T10:00:30Z");
        assertThat(CronTicks.of("0 * * * *", null).last(Instant.parse("2026-06-01T10:00:00Z"))).contains(Instant.parse("2026-06-01T10:00:00Z"));
        assertThatThrownBy(() -> CronTicks.of("60 * * * *", null)).isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("cron:");
        assertThatThrownBy(() -> CronTicks.of("* * *", null)).isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("cron:");
        assertThatThrownBy(() -> CronTicks.of("* * * * *", "Europe/Atlantis")).isInstanceOf(InvalidRequestException.class)
                .hasMessageStartingWith("timezone:");
    }
}
