package io.ordo.core.store.memory;

import io.ordo.core.model.NewJob;
import io.ordo.core.schedule.Schedule;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.SubmitResult;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The in-memory store's recurring jobs ({@link io.ordo.core.store.ScheduleStore}); ticks share the definitions' record. */
abstract class MemorySchedules extends MemoryResultTable {
    private final Map<String, Schedule> schedules = new TreeMap<>();

    @Override
    public Schedule saveSchedule(Schedule s, Instant now) {
        return locked(() -> {
            Schedule old = schedules.get(s.id());
            Schedule saved = new Schedule(s.id(), s.type(), s.queue(), s.payload() == null ? null : s.payload().deepCopy(), s.priority(),
                    s.cron(), s.timezone(), s.missed(), s.paused(), s.nextRunAt(),
                    old == null ? null : old.lastRunAt(), old == null ? null : old.lastJobId(), old == null ? now : old.createdAt(), now);
            schedules.put(s.id(), saved);
            return saved;
        });
    }

    @Override
    public Optional<Schedule> getSchedule(String id) {
        return locked(() -> Optional.ofNullable(schedules.get(id)));
    }

    @Override
    public List<Schedule> listSchedules() {
        return locked(() -> List.copyOf(schedules.values()));
    }

    @Override
    public boolean deleteSchedule(String id) {
        return locked(() -> schedules.remove(id) != null);
    }

    @Override
    public Optional<Schedule> setSchedulePaused(String id, boolean paused, Instant nextRunAt, Instant now) {
        return locked(() -> {
            Schedule s = schedules.get(id);
            if (s == null) return Optional.<Schedule>empty();
            // resuming moves updatedAt (where ticking starts); pausing a paused schedule changes nothing
            Instant updated = paused ? (s.paused() ? s.updatedAt() : now) : now;
            Schedule out = new Schedule(s.id(), s.type(), s.queue(), s.payload(), s.priority(), s.cron(), s.timezone(), s.missed(),
                    paused, paused ? null : nextRunAt, s.lastRunAt(), s.lastJobId(), s.createdAt(), updated);
            schedules.put(id, out);
            return Optional.of(out);
        });
    }

    @Override
    public Optional<SubmitResult> insertForSchedule(String id, Instant tickAt, NewJob job, InsertOptions options, Instant nextRunAt,
                                                    Instant now) {
        return locked(() -> {
            Schedule s = schedules.get(id);
            if (s == null || tickAt != null && s.paused()) return Optional.<SubmitResult>empty();
            if (tickAt != null && !definitions.recordTick(Schedule.tickKey(id), tickAt)) return Optional.<SubmitResult>empty();
            SubmitResult r;
            try {
                r = insertLocked(List.of(job), options).get(0);
            } catch (RuntimeException e) {
                if (tickAt != null) definitions.forgetTick(Schedule.tickKey(id), tickAt); // all or nothing, as in a transaction
                throw e;
            }
            schedules.put(id, new Schedule(s.id(), s.type(), s.queue(), s.payload(), s.priority(), s.cron(), s.timezone(), s.missed(),
                    s.paused(), s.paused() ? null : nextRunAt, tickAt != null ? tickAt : now, r.job().id(), s.createdAt(), s.updatedAt()));
            return Optional.of(r);
        });
    }

    @Override
    public void setScheduleNextRun(String id, Instant nextRunAt) {
        locked(() -> {
            Schedule s = schedules.get(id);
            if (s != null && !s.paused()) schedules.put(id, s.withNextRunAt(nextRunAt));
            return null;
        });
    }
}
