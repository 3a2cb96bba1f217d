package io.ordo.core.store;

import io.ordo.core.model.NewJob;
import io.ordo.core.schedule.Schedule;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Recurring plain jobs ({@link Schedule}) and the jobs their ticks start. Ticks are recorded in the
 * table definitions use, under {@link Schedule#tickKey}, so each tick starts one job however many
 * nodes (or leaders in turn) see it.
 */
public interface ScheduleStore {

    /**
     * Creates or replaces a schedule by id. A replace keeps createdAt and the last run; the store
     * sets createdAt (on create) and updatedAt to {@code now}.
     */
    Schedule saveSchedule(Schedule schedule, Instant now);

    Optional<Schedule> getSchedule(String id);

    /** All schedules, by id. */
    List<Schedule> listSchedules();

    /** False when there was no such schedule. Jobs it started are kept. */
    boolean deleteSchedule(String id);

    /**
     * Pauses or resumes; resuming sets updatedAt to {@code now} so that ticks missed while paused
     * never run. Sets nextRunAt as given. Empty when there is no such schedule.
     */
    Optional<Schedule> setSchedulePaused(String id, boolean paused, Instant nextRunAt, Instant now);

    /**
     * Inserts {@code job} for tick {@code tickAt} of schedule {@code id} only if that tick was not
     * recorded yet, recording it, and sets the schedule's last run (tick, job) and nextRunAt, all in
     * one transaction. With {@code tickAt} null (a manual run) no tick is recorded and lastRunAt is
     * {@code now}. Empty when the tick was taken already, or the schedule is gone (or, for a tick, paused).
     */
    Optional<SubmitResult> insertForSchedule(String id, Instant tickAt, NewJob job, InsertOptions options, Instant nextRunAt,
                                             Instant now);

    /** Sets nextRunAt (after skipped ticks, so lists do not show a tick in the past). */
    void setScheduleNextRun(String id, Instant nextRunAt);
}
