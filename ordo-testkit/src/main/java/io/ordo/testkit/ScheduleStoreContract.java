package io.ordo.testkit;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.Ordo;
import io.ordo.core.OrdoConfig;
import io.ordo.core.handler.JobContext;
import io.ordo.core.handler.JobHandler;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobFilter;
import io.ordo.core.schedule.MissedPolicy;
import io.ordo.core.schedule.Schedule;
import io.ordo.core.schedule.ScheduleRequest;
import io.ordo.core.schedule.ScheduleTicker;
import io.ordo.core.store.JobStore;
import io.ordo.core.util.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Recurring plain jobs on a real store, with a clock the test moves: create, replace, pause, resume,
 * delete and run now; one job per tick however many tickers race for it; the missed-tick policies;
 * and a daily schedule across both daylight-saving changes of a zone.
 */
public abstract class ScheduleStoreContract {
    protected JobStore store;
    private final List<Ordo> nodes = new ArrayList<>();
    private final MovableClock clock = new MovableClock(Instant.parse("2026-06-01T10:00:00.000Z"));

    protected abstract JobStore createStore();

    protected void afterStoreClosed() {
    }

    @BeforeEach
    void open() {
        store = createStore();
    }

    @AfterEach
    void close() {
        nodes.reversed().forEach(Ordo::close);
        store.close();
        afterStoreClosed();
    }

    /** A node that knows the type "report" and does not run jobs: the jobs ticks start stay in the store to be counted. */
    private Ordo node() {
        Ordo o = Ordo.create(OrdoConfig.defaults().store(store).workers(false).scheduler(false).clock(clock).queue("tight", 0, 1)
                .handler(new JobHandler() {
            @Override
            public String type() {
                return "report";
            }

            @Override
            public Object run(JobContext ctx) {
                return null;
            }
        }));
        nodes.add(o);
        return o;
    }

    /** A node that knows no "report" handler (another part of the cluster runs them). */
    private Ordo nodeWithoutReports() {
        Ordo o = Ordo.create(OrdoConfig.defaults().store(store).workers(false).scheduler(false).clock(clock));
        nodes.add(o);
        return o;
    }

    private ScheduleTicker ticker(Ordo o) {
        return new ScheduleTicker(store, o.schedules(), Duration.ofSeconds(60));
    }

    private List<Job> jobsOf(String scheduleId) {
        return store.list(JobFilter.ALL, null, 1000).items().stream()
                .filter(j -> scheduleId.equals(j.meta().path("schedule_id").asText(null))).toList();
    }

    private static List<String> ticksOf(List<Job> jobs) {
        return jobs.stream().map(j -> j.meta().path("tick").asText()).sorted().toList();
    }

    @Test
    void createListReplaceAndDelete() {
        Ordo o = node();
        Schedule s = o.schedules().create(ScheduleRequest.of("nightly", "report", "0 3 * * *").queue("reports")
                .payload(Json.MAPPER.createObjectNode().put("kind", "sales")).priority(5).timezone("Europe/Berlin").missed("skip"));
        assertThat(s.id()).isEqualTo("nightly");
        assertThat(s.queue()).isEqualTo("reports");
        assertThat(s.payload().get("kind").asText()).isEqualTo("sales");
        assertThat(s.priority()).isEqualTo(5);
        assertThat(s.timezone()).isEqualTo("Europe/Berlin");
        assertThat(s.missed()).isEqualTo(MissedPolicy.SKIP);
        assertThat(s.paused()).isFalse();
        // 03:00 in Berlin in summer is 01:00 UTC; the clock is at 10:00 UTC on June 1st
        assertThat(s.nextRunAt()).isEqualTo(Instant.parse("2026-06-02T01:00:00Z"));
        assertThat(s.createdAt()).isEqualTo(clock.instant());
        assertThat(store.getSchedule("nightly")).contains(s);

        Job manual = o.schedules().run("nightly");
        clock.advance(Duration.ofMinutes(1));
        Schedule replaced = o.schedules().create(ScheduleRequest.of("nightly", "report", "*/5 * * * *"));
        assertThat(replaced.createdAt()).as("a replace keeps createdAt").isEqualTo(s.createdAt());
        assertThat(replaced.updatedAt()).isEqualTo(clock.instant());
        assertThat(replaced.lastJobId()).as("and the last run").isEqualTo(manual.id());
        assertThat(replaced.queue()).isEqualTo("default");
        assertThat(replaced.timezone()).isEqualTo("UTC");
        assertThat(replaced.missed()).isEqualTo(MissedPolicy.RUN_ONCE);
        assertThat(replaced.priority()).isNull();

        o.schedules().create(ScheduleRequest.of("another", "report", "0 * * * *"));
        assertThat(o.schedules().list()).extracting(Schedule::id).containsExactly("another", "nightly");
        assertThat(o.schedules().delete("nightly")).isTrue();
        assertThat(o.schedules().delete("nightly")).isFalse();
        assertThat(o.schedules().get("nightly")).isEmpty();
        assertThat(store.get(manual.id())).as("jobs it started are kept").isPresent();
        assertThatThrownBy(() -> o.schedules().run("nightly")).isInstanceOf(JobNotFoundException.class);
        assertThatThrownBy(() -> o.schedules().pause("nightly")).isInstanceOf(JobNotFoundException.class);
    }

    @Test
    void badInputNamesTheFieldAndWritesNothing() {
        Ordo o = node();
        assertBad(o, ScheduleRequest.of("bad id!", "report", "* * * * *"), "id:");
        assertBad(o, ScheduleRequest.of("x", "no-such-type", "* * * * *"), "no-such-type");
        assertBad(o, ScheduleRequest.of("x", "report", "61 * * * *"), "cron:");
        assertBad(o, ScheduleRequest.of("x", "report", "* * *"), "cron:");
        assertBad(o, ScheduleRequest.of("x", "report", "* * * * *").timezone("Mars/Olympus"), "timezone:");
        assertBad(o, ScheduleRequest.of("x", "report", "* * * * *").missed("twice"), "missed:");
        assertBad(o, ScheduleRequest.of("x", "report", "* * * * *").queue("bad queue"), "queue");
        assertThat(store.listSchedules()).isEmpty();
    }

    private static void assertBad(Ordo o, ScheduleRequest r, String names) {
        assertThatThrownBy(() -> o.schedules().create(r)).isInstanceOf(InvalidRequestException.class).hasMessageContaining(names);
    }

    @Test
    void eachTickStartsOneJobHoweverManyTickersRace() throws Exception {
        Ordo a = node();
        Ordo b = node();
        a.schedules().create(ScheduleRequest.of("every-minute", "report", "* * * * *"));
        List<ScheduleTicker> tickers = List.of(ticker(a), ticker(b));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int minute = 1; minute <= 3; minute++) {
                clock.set(Instant.parse("2026-06-01T10:00:00Z").plus(Duration.ofMinutes(minute)).plusMillis(300));
                Instant now = clock.instant();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> racing = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    ScheduleTicker t = tickers.get(i % 2);
                    racing.add(pool.submit(() -> {
                        go.await();
                        t.tick(now);
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : racing) f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        List<Job> jobs = jobsOf("every-minute");
        assertThat(ticksOf(jobs)).containsExactly("2026-06-01T10:01:00Z", "2026-06-01T10:02:00Z", "2026-06-01T10:03:00Z");
        assertThat(jobs).allSatisfy(j -> assertThat(j.type()).isEqualTo("report"));
        Schedule s = store.getSchedule("every-minute").orElseThrow();
        assertThat(s.lastRunAt()).isEqualTo(Instant.parse("2026-06-01T10:03:00Z"));
        assertThat(jobs).extracting(Job::id).contains(s.lastJobId());
        assertThat(s.nextRunAt()).isEqualTo(Instant.parse("2026-06-01T10:04:00Z"));
    }

    @Test
    void afterDowntimeRunOnceRunsTheNewestMissedTickOnceAndSkipRunsNone() {
        Ordo o = node();
        clock.set(Instant.parse("2026-06-01T10:00:30Z"));
        o.schedules().create(ScheduleRequest.of("once", "report", "*/10 * * * *"));
        o.schedules().create(ScheduleRequest.of("skipper", "report", "*/10 * * * *").missed("skip"));
        ScheduleTicker t = ticker(o);
        t.tick(clock.instant().plusSeconds(1)); // 10:00 is before the schedules were created: never runs
        assertThat(jobsOf("once")).isEmpty();

        // every node down from 10:01 to 12:43: ticks 10:10 ... 12:40 fell while nobody ticked
        clock.set(Instant.parse("2026-06-01T12:43:00Z"));
        t.tick(clock.instant());
        t.tick(clock.instant().plusSeconds(5));
        assertThat(ticksOf(jobsOf("once"))).containsExactly("2026-06-01T12:40:00Z");
        assertThat(jobsOf("skipper")).isEmpty();
        assertThat(store.getSchedule("skipper").orElseThrow().nextRunAt()).isEqualTo(Instant.parse("2026-06-01T12:50:00Z"));
        assertThat(store.getSchedule("once").orElseThrow().nextRunAt()).isEqualTo(Instant.parse("2026-06-01T12:50:00Z"));

        // back to normal: a tick found within the grace runs for both
        clock.set(Instant.parse("2026-06-01T12:50:02Z"));
        t.tick(clock.instant());
        assertThat(ticksOf(jobsOf("once"))).containsExactly("2026-06-01T12:40:00Z", "2026-06-01T12:50:00Z");
        assertThat(ticksOf(jobsOf("skipper"))).containsExactly("2026-06-01T12:50:00Z");
    }

    @Test
    void aLeaderWithoutTheTypesHandlerStillStartsTheTicksJob() {
        Ordo creator = node();
        Ordo leader = nodeWithoutReports();
        assertThatThrownBy(() -> leader.schedules().create(ScheduleRequest.of("other", "report", "* * * * *")))
                .as("creating is checked against the node's handlers").isInstanceOf(InvalidRequestException.class).hasMessageStartingWith("type:");
        creator.schedules().create(ScheduleRequest.of("elsewhere", "report", "* * * * *"));
        clock.set(Instant.parse("2026-06-01T10:01:01Z"));
        ticker(leader).tick(clock.instant());
        assertThat(ticksOf(jobsOf("elsewhere"))).containsExactly("2026-06-01T10:01:00Z");
        assertThat(leader.schedules().run("elsewhere").type()).isEqualTo("report");
    }

    @Test
    void aTickRefusedByAFullQueueIsGivenBackAndRunsLater() {
        Ordo o = node();
        o.schedules().create(ScheduleRequest.of("crowded", "report", "* * * * *").queue("tight"));
        Job filler = o.jobs().submit(io.ordo.core.model.JobRequest.of("report").queue("tight").delay(Duration.ofHours(1)));
        ScheduleTicker t = ticker(o);
        clock.set(Instant.parse("2026-06-01T10:01:01Z"));
        t.tick(clock.instant());
        assertThat(jobsOf("crowded")).isEmpty();
        assertThat(store.lastTick(Schedule.tickKey("crowded"))).as("the refused tick is not used up").isEmpty();

        o.jobs().cancel(filler.id());
        clock.set(Instant.parse("2026-06-01T10:01:20Z"));
        t.tick(clock.instant());
        assertThat(ticksOf(jobsOf("crowded"))).containsExactly("2026-06-01T10:01:00Z");
    }

    @Test
    void pauseStopsTickingAndResumeDoesNotReplayWhatFellWhilePaused() {
        Ordo o = node();
        o.schedules().create(ScheduleRequest.of("p", "report", "*/10 * * * *"));
        ScheduleTicker t = ticker(o);
        clock.set(Instant.parse("2026-06-01T10:10:01Z"));
        t.tick(clock.instant());
        Schedule paused = o.schedules().pause("p");
        assertThat(paused.paused()).isTrue();
        assertThat(paused.nextRunAt()).isNull();
        assertThat(o.schedules().pause("p")).as("pausing twice is fine").isEqualTo(paused);

        clock.set(Instant.parse("2026-06-01T10:20:01Z"));
        t.tick(clock.instant());
        // as a ticker that read the list just before the pause: the store refuses the tick (before looking at the job)
        assertThat(store.insertForSchedule("p", Instant.parse("2026-06-01T10:20:00Z"), null, io.ordo.core.store.InsertOptions.NONE,
                null, clock.instant())).as("a paused schedule takes no tick").isEmpty();
        assertThat(ticksOf(jobsOf("p"))).containsExactly("2026-06-01T10:10:00Z");
        Job manual = o.schedules().run("p");
        assertThat(manual.meta().get("manual").asBoolean()).as("run now works while paused").isTrue();
        assertThat(manual.meta().get("schedule_id").asText()).isEqualTo("p");

        clock.set(Instant.parse("2026-06-01T10:35:00Z"));
        Schedule resumed = o.schedules().resume("p");
        assertThat(resumed.paused()).isFalse();
        assertThat(resumed.nextRunAt()).isEqualTo(Instant.parse("2026-06-01T10:40:00Z"));
        t.tick(clock.instant());
        assertThat(ticksOf(jobsOf("p").stream().filter(j -> j.meta().has("tick")).toList()))
                .as("10:20 and 10:30 fell while paused").containsExactly("2026-06-01T10:10:00Z");
        clock.set(Instant.parse("2026-06-01T10:40:01Z"));
        t.tick(clock.instant());
        assertThat(ticksOf(jobsOf("p").stream().filter(j -> j.meta().has("tick")).toList()))
                .containsExactly("2026-06-01T10:10:00Z", "2026-06-01T10:40:00Z");
        assertThat(store.lastTick(Schedule.tickKey("p"))).as("a manual run records no tick").contains(Instant.parse("2026-06-01T10:40:00Z"));
    }

    @Test
    void aDailyScheduleRunsOnceOnEachDaylightSavingChange() {
        Ordo o = node();
        clock.set(Instant.parse("2026-03-28T12:00:00Z"));
        // 02:30 does not exist in Berlin on March 29th (02:00 -> 03:00) and occurs twice on October 25th (03:00 -> 02:00)
        o.schedules().create(ScheduleRequest.of("half-past-two", "report", "30 2 * * *").timezone("Europe/Berlin"));
        ScheduleTicker t = ticker(o);
        for (Instant at = Instant.parse("2026-03-28T23:00:00Z"); at.isBefore(Instant.parse("2026-03-29T03:00:00Z")); at = at.plusSeconds(300)) {
            clock.set(at);
            t.tick(at);
        }
        assertThat(ticksOf(jobsOf("half-past-two"))).as("spring forward: once, at the shifted instant (03:30 CEST)")
                .containsExactly("2026-03-29T01:30:00Z");

        clock.set(Instant.parse("2026-10-24T12:00:00Z"));
        o.schedules().create(ScheduleRequest.of("half-past-two", "report", "30 2 * * *").timezone("Europe/Berlin"));
        for (Instant at = Instant.parse("2026-10-24T23:00:00Z"); at.isBefore(Instant.parse("2026-10-25T03:00:00Z")); at = at.plusSeconds(300)) {
            clock.set(at);
            t.tick(at);
        }
        assertThat(ticksOf(jobsOf("half-past-two"))).as("fall back: once, at the first 02:30 (CEST)")
                .containsExactly("2026-03-29T01:30:00Z", "2026-10-25T00:30:00Z");
    }

    /** A clock the test sets; whole milliseconds, as the SQL stores keep them. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant start) {
            now = start;
        }

        void set(Instant t) {
            now = t;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
