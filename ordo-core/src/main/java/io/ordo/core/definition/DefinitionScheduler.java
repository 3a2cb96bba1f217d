package io.ordo.core.definition;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import io.ordo.core.InvalidRequestException;
import io.ordo.core.store.JobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts the scheduled runs of job definitions. It ticks on the cluster's leader only; each tick
 * is also recorded in the store in the same transaction as its run, so a tick starts one run however
 * many nodes see it. Cron expressions have five fields (minute hour day month weekday) and are read in
 * the definition's {@code timezone} (UTC by default; see {@link io.ordo.core.schedule.CronTicks} for
 * daylight saving). After downtime the most recent missed tick fires once; ticks from before a definition was
 * last saved never fire (so enabling or editing a definition does not replay its past).
 */
public final class DefinitionScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DefinitionScheduler.class);
    private static final CronParser CRON = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final JobStore store;
    private final DefinitionRunner runner;
    private final Clock clock;
    private final boolean enabled;
    private final java.util.function.BooleanSupplier leading;
    private final java.util.List<java.util.function.Consumer<Instant>> also = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean stopping;
    private Thread thread;

    public DefinitionScheduler(JobStore store, DefinitionRunner runner, Clock clock, boolean enabled) {
        this(store, runner, clock, enabled, () -> true);
    }

    /** @param leading whether this node ticks now (it leads the cluster) */
    public DefinitionScheduler(JobStore store, DefinitionRunner runner, Clock clock, boolean enabled,
                               java.util.function.BooleanSupplier leading) {
        this.leading = leading;
        this.store = store;
        this.runner = runner;
        this.clock = clock;
        this.enabled = enabled;
    }

    /** Parses a cron expression. @throws InvalidRequestException saying what is wrong with it */
    public static Cron parse(String expression) {
        try {
            Cron c = CRON.parse(expression.trim());
            c.validate();
            return c;
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("'" + expression + "' is not a cron expression (5 fields: minute hour day month weekday): "
                    + e.getMessage());
        }
    }

    /** The most recent tick of {@code expression} (read in UTC) at or before {@code now}. */
    public static Optional<Instant> lastTick(String expression, Instant now) {
        return lastTick(expression, null, now);
    }

    /** The most recent tick of {@code expression}, read in {@code zone} (null: UTC), at or before {@code now}. */
    public static Optional<Instant> lastTick(String expression, String zone, Instant now) {
        parse(expression);
        return io.ordo.core.schedule.CronTicks.of(expression, zone).last(now);
    }

    /** The first tick of {@code expression} (read in UTC) strictly after {@code now}. */
    public static Optional<Instant> nextTick(String expression, Instant now) {
        return nextTick(expression, null, now);
    }

    /** The first tick of {@code expression}, read in {@code zone} (null: UTC), strictly after {@code now}. */
    public static Optional<Instant> nextTick(String expression, String zone, Instant now) {
        parse(expression);
        return io.ordo.core.schedule.CronTicks.of(expression, zone).next(now);
    }

    /** The definition's {@code timezone}, or null (UTC). */
    public static String zoneOf(StoredDefinition d) {
        com.fasterxml.jackson.databind.JsonNode z = d.spec() == null ? null : d.spec().get("timezone");
        return z == null || !z.isTextual() ? null : z.asText();
    }

    /** Something else to tick in the same loop (on the leader only): the schedules of plain jobs. */
    public void alsoTick(java.util.function.Consumer<Instant> ticker) {
        also.add(ticker);
    }

    public void start() {
        if (!enabled) return;
        thread = Thread.ofVirtual().name("ordo-scheduler").start(this::loop);
    }

    private void loop() {
        while (!stopping) {
            pass(() -> {
                if (!leading.getAsBoolean()) return;
                Instant now = clock.instant();
                // each its own try: a failing pass of one (say, the store briefly away) does not hold back the other
                pass(() -> tick(now));
                for (var t : also) pass(() -> t.accept(now));
            });
            // wake just after the next whole second, when a (minute or second) tick can be due
            long ms = 1000 - (clock.millis() % 1000) + 5;
            LockSupport.parkNanos(ms * 1_000_000L);
        }
    }

    private static void pass(Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            log.warn("scheduler pass failed", e);
        }
    }

    /** Starts every run that is due at {@code now} and was not started yet (by any node). */
    public void tick(Instant now) {
        for (StoredDefinition d : store.listDefinitions()) {
            if (!d.enabled() || d.schedule() == null || d.schedule().isBlank()) continue;
            Optional<Instant> due;
            try {
                due = lastTick(d.schedule(), zoneOf(d), now);
            } catch (InvalidRequestException e) {
                log.warn("definition {}: {}", d.id(), e.getMessage());
                continue;
            }
            if (due.isEmpty() || due.get().isBefore(d.updatedAt())) continue;
            Optional<Instant> last = store.lastTick(d.id());
            if (last.isPresent() && !last.get().isBefore(due.get())) continue;
            runner.startForTick(DefinitionRunner.definition(d), d.version(), due.get())
                    .ifPresent(run -> log.info("definition {}: scheduled run {} for tick {}", d.id(), run.id(), due.get()));
        }
    }

    @Override
    public void close() {
        stopping = true;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
