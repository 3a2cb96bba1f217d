package io.ordo.store.jdbc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.engine.VacuumDuty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A node's vacuum duty at work on PostgreSQL, at the engine's own limits (VacuumDuty.LIMITS). */
class PostgresVacuumDutyTest {
    private final String schema = PgTestDatabase.newSchema();
    private final PostgresJobStore store = PgTestDatabase.open(schema);

    @AfterEach
    void drop() {
        store.close();
        PgTestDatabase.dropSchema(schema);
    }

    @Test
    void aNodeVacuumsTheJobsTableOnceDeadRowsPileUp() throws Exception {
        int rows = (int) VacuumDuty.LIMITS.minDeadRows() + 2_000;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        OrdoConfig config = OrdoConfig.defaults().store(store).workers(false).scheduler(false)
                .autoVacuum(true, Duration.ofMillis(200)).meterRegistry(meters);
        try (Ordo ordo = Ordo.create(config).start()) {
            PgDeadRows.insertJobs(schema, rows);
            PgDeadRows.rewriteJobs(schema);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Counter vacuums = meters.find("ordo.store.vacuums").tag("table", "ordo_jobs").counter();
                assertThat(vacuums).isNotNull();
                assertThat(vacuums.count()).isGreaterThanOrEqualTo(1);
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> PgDeadRows.deadRows(schema, "ordo_jobs") < VacuumDuty.LIMITS.minDeadRows());
        }
    }
}
