package io.ordo.core.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.ordo.core.InvalidRequestException;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The ticks of a cron expression in a time zone. Five fields (minute hour day month weekday) or six
 * with seconds first. Ticks are computed on the zone's wall clock and then placed on the time line:
 * a wall time skipped when clocks spring forward runs once at the shifted instant (02:30 becomes
 * 03:30), a wall time that occurs twice when clocks fall back runs once, at its first occurrence.
 * cron-utils asked directly in a zone with daylight saving gets these wrong in places (it can drop
 * the skipped tick or repeat the doubled one), so it is only ever asked in UTC, where wall time has
 * no gaps or overlaps, and the zone's rules are applied here.
 */
public final class CronTicks {
    private static final CronParser FIVE = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser SIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));
    /** Bounds the walk past wall times that land at or before the asked instant (the second pass of an overlap). */
    private static final int MAX_STEPS = 10_000;

    private final ExecutionTime execution;
    private final ZoneId zone;

    private CronTicks(Cron cron, ZoneId zone) {
        this.execution = ExecutionTime.forCron(cron);
        this.zone = zone;
    }

    /** @throws InvalidRequestException naming what is wrong with the expression or the zone */
    public static CronTicks of(String expression, String zone) {
        return new CronTicks(parse(expression), zone(zone));
    }

    /** Parses a 5- or 6-field cron expression. @throws InvalidRequestException saying what is wrong */
    public static Cron parse(String expression) {
        if (expression == null || expression.isBlank()) throw new InvalidRequestException("cron: required (minute hour day month weekday)");
        String e = expression.trim();
        int fields = e.split("\\s+").length;
        try {
            Cron c = (fields == 6 ? SIX : FIVE).parse(e);
            c.validate();
            return c;
        } catch (IllegalArgumentException ex) {
            throw new InvalidRequestException("cron: '" + expression + "' is not a cron expression (5 fields: minute hour day month weekday, "
                    + "or 6 with seconds first): " + ex.getMessage());
        }
    }

    /** An IANA zone id (e.g. Europe/Berlin); null or blank is UTC. @throws InvalidRequestException if unknown */
    public static ZoneId zone(String zone) {
        if (zone == null || zone.isBlank()) return ZoneId.of("UTC");
        try {
            return ZoneId.of(zone.trim());
        } catch (DateTimeException e) {
            throw new InvalidRequestException("timezone: '" + zone + "' is not a known time zone (use an IANA id such as Europe/Berlin or UTC)");
        }
    }

    /** The first tick strictly after {@code after}. */
    public Optional<Instant> next(Instant after) {
        LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<LocalDateTime> w = execution.nextExecution(wall.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
            if (w.isEmpty()) return Optional.empty();
            Instant at = onTimeLine(w.get());
            if (at.isAfter(after)) return Optional.of(at);
            wall = w.get();
        }
        return Optional.empty();
    }

    /** The newest tick at or before {@code now}. */
    public Optional<Instant> last(Instant now) {
        // lastExecution is strictly before its argument: ask from just after now to include a tick at now
        LocalDateTime wall = LocalDateTime.ofInstant(now, zone).plusNanos(1_000_000);
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<LocalDateTime> w = execution.lastExecution(wall.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toLocalDateTime);
            if (w.isEmpty()) return Optional.empty();
            Instant at = onTimeLine(w.get());
            // a wall time in a spring-forward gap is shifted later, possibly past now: not due yet
            if (!at.isAfter(now)) return Optional.of(at);
            wall = w.get();
        }
        return Optional.empty();
    }

    /** A gap's wall time moves forward by the gap; an overlap's takes the earlier offset (its first occurrence). */
    private Instant onTimeLine(LocalDateTime wall) {
        return ZonedDateTime.ofLocal(wall, zone, null).toInstant();
    }
}
