package io.ordo.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A recurring job survives kill -9 of its only server, on PostgreSQL: a schedule ticking every two
 * seconds (a 6-field cron) is killed as a tick is being taken, left down for several ticks, and started again.
 * Every tick's job exists exactly once (one per recorded tick); the ticks form one unbroken series
 * before the kill and one after the restart, and the newest tick missed while down runs once (run_once).
 */
class ScheduleCrashRecoveryTest {
    private static final String BASE = System.getenv().getOrDefault("ORDO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/ordo_test");
    private final List<ServerProcess> processes = new ArrayList<>();
    private final String schema = "sched_" + Long.toHexString(System.nanoTime());
    private final String store = BASE + "?user=postgres&currentSchema=" + schema;

    @AfterEach
    void cleanUp() throws Exception {
        processes.forEach(ServerProcess::close);
        try (Connection c = DriverManager.getConnection(BASE, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private ServerProcess track(ServerProcess p) {
        processes.add(p);
        return p;
    }

    /** Jobs per tick of the schedule, by tick. */
    private Map<Instant, Integer> jobsPerTick() throws Exception {
        Map<Instant, Integer> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(BASE, "postgres", "");
             PreparedStatement ps = c.prepareStatement("SELECT meta->>'tick' AS tick, count(*) AS n FROM " + schema + ".ordo_jobs "
                     + "WHERE meta->>'schedule_id' = 'every-2s' GROUP BY 1")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(Instant.parse(rs.getString("tick")), rs.getInt("n"));
            }
        }
        return out;
    }

    private List<Instant> recordedTicks() throws Exception {
        List<Instant> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(BASE, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT tick_at FROM " + schema + ".ordo_schedule_ticks WHERE definition_id = 'schedule:every-2s' "
                     + "ORDER BY tick_at")) {
            while (rs.next()) out.add(rs.getTimestamp("tick_at").toInstant());
        }
        return out;
    }

    @Test
    void aKilledServerLosesNoTickAndRunsNoneTwice() throws Exception {
        ServerProcess first = track(new ServerProcess(store, "--node-id", "a")).start();
        JsonNode created = first.post("/api/schedules", "{\"id\": \"every-2s\", \"type\": \"noop\", \"cron\": \"*/2 * * * * *\"}", 201);
        assertThat(created.path("missed").asText()).isEqualTo("run_once");
        await().atMost(Duration.ofSeconds(20)).until(() -> jobsPerTick().size() >= 4);
        // kill -9 while a tick is being taken: the scheduler wakes 5 ms after each whole second, so 8-25 ms into
        // an even second its pass (list, insert with the tick) is under way; whether that tick's job was committed
        // or not, it must not end up twice, nor break the series but at the downtime
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1)).until(() -> {
            long ms = System.currentTimeMillis();
            return (ms / 1000) % 2 == 0 && ms % 1000 >= 8 && ms % 1000 <= 25;
        });
        first.kill();
        Instant killedAt = Instant.now();
        Map<Instant, Integer> atKill = jobsPerTick();
        // down for at least three ticks (the leader lease of the dead node also has to run out)
        await().pollDelay(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(8)).until(() -> true);

        Instant restartAt = Instant.now();
        ServerProcess second = track(new ServerProcess(store, "--node-id", "b")).start();
        Instant readyAt = Instant.now();
        await().atMost(Duration.ofSeconds(30)).until(() -> jobsPerTick().keySet().stream().filter(t -> t.isAfter(restartAt)).count() >= 4);
        second.kill(); // stop ticking before counting

        Map<Instant, Integer> perTick = jobsPerTick();
        assertThat(perTick.values()).as("one job per tick: " + perTick).allMatch(n -> n == 1);
        assertThat(recordedTicks()).as("each job's tick is recorded, and no tick without its job").containsExactlyElementsOf(perTick.keySet());
        assertThat(perTick.keySet()).as("what was there at the kill is still there").containsAll(atKill.keySet());

        List<Instant> ticks = new ArrayList<>(perTick.keySet());
        List<Integer> gaps = new ArrayList<>();
        for (int i = 1; i < ticks.size(); i++) {
            if (!ticks.get(i).equals(ticks.get(i - 1).plusSeconds(2))) gaps.add(i);
        }
        assertThat(gaps).as("one gap, the downtime: " + ticks).hasSize(1);
        Instant lastBefore = ticks.get(gaps.get(0) - 1);
        Instant firstAfter = ticks.get(gaps.get(0));
        assertThat(lastBefore).as("no tick lost before the kill").isAfterOrEqualTo(killedAt.minusSeconds(3));
        assertThat(firstAfter).as("the first tick after the restart is the newest one missed while down (run once)")
                .isAfter(restartAt.minusSeconds(2)).isBeforeOrEqualTo(readyAt.plusSeconds(2));
        assertThat(Duration.between(lastBefore, firstAfter)).as("ticks that fell while down did not run").isGreaterThan(Duration.ofSeconds(4));
    }
}
