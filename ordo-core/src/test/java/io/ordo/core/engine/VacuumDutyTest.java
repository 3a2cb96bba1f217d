package io.ordo.core.engine;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ordo.core.OrdoConfig;
import io.ordo.core.ops.TableHealth;
import io.ordo.core.store.StoreHealth;
import io.ordo.core.store.memory.InMemoryJobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The engine's side of the vacuum duty, against a store port that reports autovacuum off (the PostgreSQL side: ordo-store-jdbc). */
class VacuumDutyTest {
    private final Logger log = (Logger) LoggerFactory.getLogger(VacuumDuty.class);
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();

    /** Autovacuum off; every pass "vacuums" the jobs table. */
    static final class Off implements StoreHealth {
        final AtomicInteger passes = new AtomicInteger();

        @Override
        public Autovacuum autovacuum() {
            return new Autovacuum(false, "autovacuum = off");
        }

        @Override
        public List<Vacuum> vacuumDeadRows(DeadRowLimits limits) {
            passes.incrementAndGet();
            return List.of(new Vacuum("ordo_jobs", 20_000, 100_000, Duration.ofMillis(5)));
        }
    }

    @BeforeEach
    void listen() {
        seen.start();
        log.addAppender(seen);
    }

    @AfterEach
    void stopListening() {
        log.detachAppender(seen);
    }

    private List<String> warnings() {
        return seen.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void warnsOnceAndVacuumsEveryIntervalCountingEachVacuum() {
        Off health = new Off();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (VacuumDuty duty = new VacuumDuty(OrdoConfig.defaults().autoVacuum(true, Duration.ofMillis(20)).meterRegistry(meters), health)) {
            duty.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> health.passes.get() >= 3);
        }
        assertThat(warnings()).singleElement().asString().contains("autovacuum = off")
                .contains("Ordo will vacuum its hot tables itself");
        Counter vacuums = meters.find("ordo.store.vacuums").tag("table", "ordo_jobs").counter();
        assertThat(vacuums).isNotNull();
        assertThat(vacuums.count()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void withTheDutyOffTheWarningSaysSoAndNoPassRuns() {
        Off health = new Off();
        try (VacuumDuty duty = new VacuumDuty(OrdoConfig.defaults().autoVacuum(false), health)) {
            duty.start();
            assertThat(duty.runOnce()).hasSize(1); // a pass on request still works
        }
        assertThat(warnings()).singleElement().asString().contains("vacuum duty is off");
        assertThat(health.passes.get()).as("only the pass run by hand").isEqualTo(1);
    }

    @Test
    void tableHealthIsNotApplicableWithoutAStoreThatVacuums() {
        try (InMemoryJobStore memory = new InMemoryJobStore()) {
            assertThat(TableHealth.of(memory, OrdoConfig.defaults())).isEqualTo(new TableHealth(TableHealth.NOT_APPLICABLE, "", false));
        }
    }
}
