package io.ordo.core.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.JobNotFoundException;
import io.ordo.core.engine.JobFactory;
import io.ordo.core.model.Job;
import io.ordo.core.model.JobRequest;
import io.ordo.core.model.NewJob;
import io.ordo.core.store.InsertOptions;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.SubmitResult;
import io.ordo.core.util.Json;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The public service for recurring plain jobs, from {@link io.ordo.core.Ordo#schedules()}: create,
 * list, pause, resume, delete and run now. The ticks themselves are started by {@link ScheduleTicker}
 * on the cluster's leader.
 */
public final class Schedules {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}");

    private final JobStore store;
    private final JobFactory factory;
    private final Supplier<InsertOptions> insertOptions;
    private final Clock clock;
    private final Consumer<List<Job>> onInserted;

    public Schedules(JobStore store, JobFactory factory, Supplier<InsertOptions> insertOptions, Clock clock, Consumer<List<Job>> onInserted) {
        this.store = store;
        this.factory = factory;
        this.insertOptions = insertOptions;
        this.clock = clock;
        this.onInserted = onInserted;
    }

    /**
     * Creates or replaces the schedule {@code r.id()}. Everything is checked before anything is
     * written: the id, the job (type known to this node, payload, queue, priority), the cron
     * expression, the zone and the missed policy. Ticking starts now: a replace does not replay the past.
     *
     * @throws InvalidRequestException naming the field at fault
     */
    public Schedule create(ScheduleRequest r) {
        String id = checkId(r.id());
        CronTicks ticks = CronTicks.of(r.cron(), r.timezone());
        String zone = CronTicks.zone(r.timezone()).getId();
        MissedPolicy missed = MissedPolicy.parse(r.missed());
        Instant now = clock.instant();
        if (r.type() == null || r.type().isBlank()) throw new InvalidRequestException("type: required (the job type each tick submits)");
        NewJob probe;
        try {
            probe = factory.build(request(r.type(), r.queue(), r.payload(), r.priority()), null, now);
        } catch (io.ordo.core.UnknownJobTypeException e) {
            throw new InvalidRequestException("type: " + e.getMessage());
        }
        Schedule s = new Schedule(id, probe.type(), probe.queue(), probe.payload(), r.priority(), r.cron().trim(), zone, missed, false,
                ticks.next(now).orElse(null), null, null, null, null);
        return store.saveSchedule(s, now);
    }

    public List<Schedule> list() {
        return store.listSchedules();
    }

    public Optional<Schedule> get(String id) {
        return store.getSchedule(id);
    }

    /** The schedule, or {@link JobNotFoundException} (404). */
    public Schedule require(String id) {
        return store.getSchedule(id).orElseThrow(() -> new JobNotFoundException("schedule " + id + " not found"));
    }

    /** Stops ticking; idempotent. */
    public Schedule pause(String id) {
        return store.setSchedulePaused(id, true, null, clock.instant())
                .orElseThrow(() -> new JobNotFoundException("schedule " + id + " not found"));
    }

    /** Ticks again from now on: ticks that fell while paused do not run. */
    public Schedule resume(String id) {
        Schedule s = require(id);
        Instant now = clock.instant();
        Instant next = CronTicks.of(s.cron(), s.timezone()).next(now).orElse(null);
        return store.setSchedulePaused(id, false, next, now)
                .orElseThrow(() -> new JobNotFoundException("schedule " + id + " not found"));
    }

    /** False when there was no such schedule; the jobs it started are kept. */
    public boolean delete(String id) {
        return store.deleteSchedule(id);
    }

    /** Submits the schedule's job now, outside its ticks (also while paused); {@code meta.manual} is true. */
    public Job run(String id) {
        Schedule s = require(id);
        Instant now = clock.instant();
        NewJob job = build(s, null, now);
        SubmitResult r = store.insertForSchedule(id, null, job, insertOptions.get(), s.nextRunAt(), now)
                .orElseThrow(() -> new JobNotFoundException("schedule " + id + " not found"));
        if (r.created()) onInserted.accept(List.of(r.job()));
        return r.job();
    }

    /**
     * The job a tick (or a manual run, tick null) submits, carrying where it came from in its meta. Its
     * type was checked when the schedule was created; the node building it (the leader) need not run it.
     */
    NewJob build(Schedule s, Instant tick, Instant now) {
        NewJob job = factory.buildChecked(request(s.type(), s.queue(), s.payload(), s.priority()), now);
        ObjectNode meta = Json.MAPPER.createObjectNode().put("schedule_id", s.id());
        if (tick != null) meta.put("tick", tick.toString());
        else meta.put("manual", true);
        return job.withStatus(job.status(), job.result(), job.error(), meta);
    }

    InsertOptions insertOptions() {
        return insertOptions.get();
    }

    void announce(SubmitResult r) {
        if (r.created()) onInserted.accept(List.of(r.job()));
    }

    private static JobRequest request(String type, String queue, com.fasterxml.jackson.databind.JsonNode payload, Integer priority) {
        JobRequest j = JobRequest.of(type).payload(payload).queue(queue);
        return priority == null ? j : j.priority(priority);
    }

    static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidRequestException("id: '" + id + "' is not a schedule id (1-128 letters, digits, '_', '.', ':' or '-', "
                    + "starting with a letter or digit)");
        }
        return id;
    }
}
