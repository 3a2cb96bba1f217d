package io.ordo.core.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;

import static io.ordo.core.model.JobStatus.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every (from, to) pair of the state machine, checked against the table of DESIGN.md §3. */
class TransitionsTest {
    /** The legal moves, written out independently of Transitions' own table. */
    private static final Set<String> LEGAL = Set.of(
            "SCHEDULED>PENDING", "SCHEDULED>CANCELLED",
            "PENDING>RUNNING", "PENDING>CANCELLED",
            "RUNNING>COMPLETED", "RUNNING>FAILED", "RUNNING>CANCELLED", "RUNNING>PENDING", "RUNNING>SCHEDULED", "RUNNING>WAITING",
            "WAITING>COMPLETED", "WAITING>FAILED", "WAITING>CANCELLED", "WAITING>PENDING", "WAITING>SKIPPED",
            "FAILED>PENDING", "CANCELLED>PENDING");

    static Stream<Arguments> allPairs() {
        return EnumSet.allOf(JobStatus.class).stream()
                .flatMap(from -> EnumSet.allOf(JobStatus.class).stream().map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("allPairs")
    void everyPairIsDecidedByTheTable(JobStatus from, JobStatus to) {
        boolean expected = LEGAL.contains(from + ">" + to);
        assertThat(Transitions.isLegal(from, to)).isEqualTo(expected);
        if (expected) {
            assertThatCode(() -> Transitions.check("j", from, to)).doesNotThrowAnyException();
            assertThat(Transitions.sourcesOf(to)).contains(from);
        } else {
            assertThatThrownBy(() -> Transitions.check("j", from, to))
                    .isInstanceOf(IllegalTransitionException.class)
                    .hasMessageContaining(from.wireName()).hasMessageContaining(to.wireName());
            assertThat(Transitions.sourcesOf(to)).doesNotContain(from);
        }
    }

    @Test
    void terminalStatesOnlyLeaveByRestart() {
        assertThat(Transitions.sourcesOf(RUNNING)).containsExactly(PENDING);
        for (JobStatus t : JobStatus.terminal()) {
            for (JobStatus to : JobStatus.values()) {
                if (Transitions.isLegal(t, to)) assertThat(to).isEqualTo(PENDING);
            }
        }
        assertThat(Transitions.isLegal(COMPLETED, PENDING)).isFalse();
    }

    @Test
    void restrictedSourcesRejectImpossibleGuards() {
        assertThat(Transitions.sourcesOf(CANCELLED, EnumSet.of(PENDING, SCHEDULED, COMPLETED))).containsExactlyInAnyOrder(PENDING, SCHEDULED);
        assertThatThrownBy(() -> Transitions.sourcesOf(RUNNING, EnumSet.of(COMPLETED))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void wireNamesRoundTrip() {
        for (JobStatus s : JobStatus.values()) assertThat(JobStatus.fromWire(s.wireName())).isEqualTo(s);
        assertThatThrownBy(() -> JobStatus.fromWire("done")).hasMessageContaining("unknown status 'done'");
    }
}
