package dev.griddle.server.trigger;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A 5-field cron expression (or a macro) in an IANA time zone, and the pure computation of when it
 * fires. The expression is matched against local wall-clock time:
 *
 * <ul>
 *   <li>a wall-clock time that does not exist (the spring-forward gap) fires once, at the instant
 *       the clocks jump: no day is lost;</li>
 *   <li>a wall-clock time that exists twice (the fall-back repeat) fires once, at its first
 *       occurrence: nothing fires twice in the repeated hour.</li>
 * </ul>
 *
 * The calendar matching itself is done by cron-utils on zone-free wall-clock time, so its own
 * time-zone handling never decides anything here.
 */
final class CronSchedule {

    static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    /** A matching wall-clock time is at most a few years away; this bounds the loops on schedules like Feb 30th. */
    private static final int MAX_STEPS = 100_000;
    /**
     * Where {@link #parse} looks for a first match. Five fields name no year, so a schedule that
     * matches any date matches one within a 400-year Gregorian cycle of any start: a fixed start
     * keeps parsing pure.
     */
    private static final ZonedDateTime EPOCH = ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime calendar;

    private CronSchedule(String expression, ZoneId zone, ExecutionTime calendar) {
        this.expression = expression;
        this.zone = zone;
        this.calendar = calendar;
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code expression} */
    static CronSchedule parse(String expression, ZoneId zone) {
        String trimmed = expression == null ? "" : expression.strip();
        String fields = MACROS.getOrDefault(trimmed.toLowerCase(Locale.ROOT), trimmed);
        if (fields.startsWith("@")) {
            throw new IllegalArgumentException("unknown macro '" + trimmed + "'; use one of @hourly, @daily, @weekly, @monthly, @yearly");
        }
        if (fields.split("\\s+").length != 5) {
            throw new IllegalArgumentException("must have 5 fields (minute hour day-of-month month day-of-week) or be a macro, was '" + trimmed + "'");
        }
        ExecutionTime calendar;
        try {
            Cron cron = PARSER.parse(fields).validate();
            calendar = ExecutionTime.forCron(cron);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not a valid cron expression: " + e.getMessage());
        }
        if (calendar.nextExecution(EPOCH).isEmpty()) {
            throw new IllegalArgumentException("never fires (no date matches '" + trimmed + "', like February 30th)");
        }
        return new CronSchedule(trimmed, zone, calendar);
    }

    /** @throws IllegalArgumentException when {@code timezone} is not an IANA zone id */
    static ZoneId zone(String timezone) {
        try {
            return ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone '" + timezone + "'; use an IANA id like Europe/Berlin or UTC");
        }
    }

    String expression() {
        return expression;
    }

    ZoneId zone() {
        return zone;
    }

    /** The first fire instant strictly after {@code after}. */
    Instant next(Instant after) {
        LocalDateTime wall = LocalDateTime.ofInstant(after, zone);
        for (int i = 0; i < MAX_STEPS; i++) {
            wall = nextWallClock(wall);
            Instant at = resolve(wall);
            if (at.isAfter(after)) {
                return at;
            }
        }
        throw new IllegalStateException("cron '" + expression + "' has no fire time after " + after);
    }

    /**
     * What is due at {@code now} for a trigger whose next fire was {@code expected}: the latest
     * scheduled instant at or before {@code now}, how many earlier ones it folds in (missed while no
     * node was running; counted up to 100,000), and the next instant after {@code now}.
     */
    Due due(Instant expected, Instant now) {
        Instant latest = expected;
        int missed = 0;
        for (Instant t = next(expected); !t.isAfter(now) && missed < MAX_STEPS; t = next(t)) {
            latest = t;
            missed++;
        }
        return new Due(latest, missed, next(now));
    }

    record Due(Instant scheduledAt, int missed, Instant next) {
    }

    private LocalDateTime nextWallClock(LocalDateTime wall) {
        return calendar.nextExecution(wall.atZone(ZoneOffset.UTC))
                .map(ZonedDateTime::toLocalDateTime)
                .orElseThrow(() -> new IllegalStateException("cron '" + expression + "' never fires after " + wall));
    }

    /** The instant of a wall-clock time: its first occurrence, or the end of the gap it falls in. */
    private Instant resolve(LocalDateTime wall) {
        ZoneRules rules = zone.getRules();
        List<ZoneOffset> offsets = rules.getValidOffsets(wall);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = rules.getTransition(wall);
            return gap.getInstant();
        }
        return offsets.stream().map(wall::toInstant).min(Instant::compareTo).orElseThrow();
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
