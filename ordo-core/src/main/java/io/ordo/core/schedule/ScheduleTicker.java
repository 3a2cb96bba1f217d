package io.ordo.core.schedule;

import io.ordo.core.InvalidRequestException;
import io.ordo.core.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Starts the due ticks of schedules; run by the definition scheduler's loop, so on the leader only.
 * Each tick's job is inserted with the tick recorded in one transaction, so a tick runs once across
 * nodes and leader changes. Only the newest due tick is ever considered: after downtime that is the
 * one tick {@link MissedPolicy#RUN_ONCE} runs. A tick found more than {@link #DEFAULT_GRACE} after
 * it was due counts as missed, which {@link MissedPolicy#SKIP} drops; the grace covers a leader
 * change (its lease) and a slow pass, so a tick is only "missed" when no node was ticking.
 */
public final class ScheduleTicker {
    private static final Logger log = LoggerFactory.getLogger(ScheduleTicker.class);
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(60);

    private final JobStore store;
    private final Schedules schedules;
    private final Duration grace;

    public ScheduleTicker(JobStore store, Schedules schedules, Duration grace) {
        this.store = store;
        this.schedules = schedules;
        this.grace = grace;
    }

    /** Starts every schedule tick due at {@code now} that no node started yet. */
    public void tick(Instant now) {
        for (Schedule s : store.listSchedules()) {
            if (s.paused()) continue;
            try {
                tick(s, now);
            } catch (InvalidRequestException e) {
                // e.g. a type no longer known to this node: the tick is retried on the next pass
                log.warn("schedule {}: {}", s.id(), e.getMessage());
            } catch (RuntimeException e) {
                // e.g. its queue is full (the tick was given back): the other schedules still tick
                log.warn("schedule {}: tick failed, retried on the next pass: {}", s.id(), e.toString());
            }
        }
    }

    private void tick(Schedule s, Instant now) {
        CronTicks ticks = CronTicks.of(s.cron(), s.timezone());
        Instant next = ticks.next(now).orElse(null);
        Optional<Instant> due = ticks.last(now);
        boolean fresh = due.isPresent() && !due.get().isBefore(s.updatedAt());
        if (fresh) {
            Optional<Instant> last = store.lastTick(Schedule.tickKey(s.id()));
            fresh = last.isEmpty() || last.get().isBefore(due.get());
        }
        boolean missed = fresh && Duration.between(due.get(), now).compareTo(grace) > 0;
        if (fresh && !(missed && s.missed() == MissedPolicy.SKIP)) {
            Instant tick = due.get();
            store.insertForSchedule(s.id(), tick, schedules.build(s, tick, now), schedules.insertOptions(), next, now)
                    .ifPresent(r -> {
                        schedules.announce(r);
                        log.info("schedule {}: job {} for tick {}{}", s.id(), r.job().id(), tick, missed ? " (missed, run once)" : "");
                    });
        } else if (!Objects.equals(next, s.nextRunAt())) {
            store.setScheduleNextRun(s.id(), next);
        }
    }
}
