package io.ordo.server.dashboard;

import io.ordo.server.Http;
import io.ordo.server.OrdoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The Schedules page: a schedule made with the form is listed with its zone and next run; bad input is shown on its field; pause, run now, delete. */
class DashboardSchedulesTest {
    @Test
    void createPauseRunAndDeleteASchedule(@TempDir Path dir) {
        try (OrdoServer server = DashboardServer.start(dir); Http http = new Http(server.url());
             Browser b = new Browser(server.url(), 1280, 900)) {
            b.open("/schedules");
            b.waitFor("section.page-schedules form");
            type(b, "#s-id", "nightly");
            type(b, "#s-type", "noop");
            type(b, "#s-cron", "30 2 * * *");
            type(b, "#s-timezone", "Mars/Olympus");
            b.clickButton("section.page-schedules form", "Create schedule");
            b.waitFor("section.page-schedules .field-error");
            assertThat(b.text("section.page-schedules .field-error")).contains("not a known time zone");
            assertThat(http.get("/api/schedules").json().path("schedules")).isEmpty();

            b.driver().findElement(By.cssSelector("#s-timezone")).clear();
            type(b, "#s-timezone", "Europe/Berlin");
            b.clickButton("section.page-schedules form", "Create schedule");
            String row = "table.schedules tr[data-schedule='nightly']";
            b.waitFor(row);
            assertThat(b.text(row)).contains("30 2 * * *", "Europe/Berlin", "noop", "active");
            b.screenshot("schedules");

            b.clickButton(row, "Pause");
            b.waitUntil("the row says paused", x -> x.text(row).contains("paused"));
            assertThat(http.get("/api/schedules/nightly").json().path("paused").asBoolean()).isTrue();

            b.clickButton(row, "Run now");
            b.waitUntil("the job's page opens", x -> x.driver().getCurrentUrl().contains("/jobs/"));
            assertThat(http.get("/api/schedules/nightly").json().path("last_job_id").asText()).isNotEmpty();

            b.open("/schedules");
            b.clickButton(row, "Delete");
            b.confirm();
            b.waitUntil("the row is gone", x -> !x.present(row));
            assertThat(http.get("/api/schedules/nightly").status()).isEqualTo(404);
            assertThat(b.problems()).isEmpty();
        }
    }

    private static void type(Browser b, String css, String text) {
        b.driver().findElement(By.cssSelector(css)).sendKeys(text);
    }
}
