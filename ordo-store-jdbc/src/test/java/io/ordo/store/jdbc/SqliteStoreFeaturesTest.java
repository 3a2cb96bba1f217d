package io.ordo.store.jdbc;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.JobStoreProvider;
import io.ordo.testkit.TestJobs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqliteStoreFeaturesTest extends JdbcStoreFeaturesTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("ordo.db");
    }

    @Override
    protected JobStore openStore() {
        return new JdbcStoreProvider().open("jdbc:sqlite:" + file(), Map.of());
    }

    @Override
    protected Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("busy_timeout", "5000");
        return DriverManager.getConnection("jdbc:sqlite:" + file(), p);
    }

    @Override
    protected String jobsTable() {
        return "ordo_jobs";
    }

    @Test
    void commitsReachTheDiskBeforeTheyReturnUnlessTheUserTradesThatAway() {
        try (SqliteJobStore full = (SqliteJobStore) openStore()) {
            assertThat(full.pragma("synchronous")).as("FULL").isEqualTo("2");
            assertThat(full.pragma("journal_mode")).isEqualTo("wal");
        }
        try (SqliteJobStore normal = (SqliteJobStore) new JdbcStoreProvider().open("jdbc:sqlite:" + file(), Map.of("synchronous", "NORMAL"))) {
            assertThat(normal.pragma("synchronous")).as("NORMAL").isEqualTo("1");
        }
    }

    @Test
    void eventAppendsRelaxDurabilityForThemselvesOnlyAndKeepEveryEvent() {
        try (SqliteJobStore full = (SqliteJobStore) openStore()) {
            List<io.ordo.core.event.OrdoEvent> batch = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(new io.ordo.core.event.OrdoEvent("job_log", null, null, Map.of("n", i), T0));
            }
            full.appendEvents(batch);
            full.appendEvents(batch);
            assertThat(full.pragma("synchronous")).as("FULL again for job writes").isEqualTo("2");
            assertThat(full.eventsAfter(0, 1000)).hasSize(100)
                    .extracting(e -> ((Number) e.event().payload().get("n")).intValue()).startsWith(0, 1, 2).endsWith(48, 49);
        }
        // still there after the store is closed and opened again
        try (SqliteJobStore again = (SqliteJobStore) openStore()) {
            assertThat(again.eventsAfter(0, 1000)).hasSize(100);
        }
    }

    @Test
    void theProviderIsFoundByUrlAndCreatesTheFilesDirectory() {
        Path nested = dir.resolve("data/deeper/ordo.db");
        try (JobStore s = JobStoreProvider.openUrl("jdbc:sqlite:" + nested, Map.of())) {
            assertThat(s.kind()).isEqualTo("sqlite");
            assertThat(s).isInstanceOf(SqliteJobStore.class);
            s.insert(List.of(TestJobs.at(T0).build()), InsertOptions.NONE);
        }
        assertThat(Files.exists(nested)).isTrue();
    }

    @Test
    void fileIsInWalModeAndInMemoryUrlsAreRefused() throws Exception {
        open().close();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
        assertThatThrownBy(() -> new JdbcStoreProvider().open("jdbc:sqlite::memory:", Map.of()))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("memory:");
        assertThatThrownBy(() -> new JdbcStoreProvider().open("jdbc:sqlite:" + file(), Map.of("maxPoolSize", "lots")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("maxPoolSize");
    }

    @Test
    void claimWalksThePartialClaimIndexInOrder() throws Exception {
        SqliteJobStore store = (SqliteJobStore) open();
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + store.claimSql(10))) {
            ps.setString(5, "default");
            ps.setString(6, "[\"noop\"]");
            ps.setString(7, "[\"\"]");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) plan.append(rs.getString("detail")).append('\n');
            }
            assertThat(plan.toString()).contains("ordo_jobs_claim_idx").doesNotContain("TEMP B-TREE FOR ORDER BY");
        }
    }
}
