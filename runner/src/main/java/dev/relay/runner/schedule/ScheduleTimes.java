package dev.relay.runner.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a schedule fires: pure functions of its trigger and the clock. A cron expression has 6
 * fields (seconds first, as KFP's robfig/cron reads it: {@code 0 0 9 ? * 2-6}) or 5 (Unix, from
 * minutes); times are UTC. An interval fires at {@code base + k * interval} (k ≥ 1), the base being
 * the start time or else the creation time.
 */
public final class ScheduleTimes {
    /** At most this many fire times are caught up at once. */
    public static final int MAX_CATCHUP = 100;

    private static final CronParser SIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING));
    private static final CronParser FIVE = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private ScheduleTimes() {}

    /**
     * Parses a cron expression.
     *
     * @throws IllegalArgumentException naming the expression and what was expected
     */
    public static Cron cron(String expression) {
        String e = expression == null ? "" : expression.trim();
        int fields = e.isEmpty() ? 0 : e.split("\\s+").length;
        try {
            if (fields == 6) {
                return SIX.parse(e).validate();
            }
            if (fields == 5) {
                return FIVE.parse(e).validate();
            }
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException("cron '" + e + "' is not valid: " + ex.getMessage());
        }
        throw new IllegalArgumentException("cron '" + e + "' has " + fields
                + " fields; expected 6 (second minute hour day-of-month month day-of-week, e.g. '0 0 9 ? * 2-6') or 5");
    }

    /** @return the first fire time strictly after {@code after}, or empty when the trigger has ended */
    public static Optional<Instant> next(Schedule.Trigger t, Instant created, Instant after) {
        Instant start = t.startTime() != null ? Instant.parse(t.startTime()) : null;
        Instant end = t.endTime() != null ? Instant.parse(t.endTime()) : null;
        Instant from = start != null && start.isAfter(after) ? start.minusNanos(1) : after;
        Instant next;
        if (t.intervalSeconds() != null) {
            long interval = t.intervalSeconds();
            Instant base = start != null ? start : created;
            long elapsed = Duration.between(base, from).getSeconds();
            long k = elapsed < 0 ? 1 : elapsed / interval + 1;
            next = base.plusSeconds(k * interval);
            while (!next.isAfter(from)) {
                next = next.plusSeconds(interval);
            }
        } else {
            ExecutionTime ex = ExecutionTime.forCron(cron(t.cron()));
            Optional<ZonedDateTime> n = ex.nextExecution(ZonedDateTime.ofInstant(from, ZoneOffset.UTC));
            if (n.isEmpty()) {
                return Optional.empty();
            }
            next = n.get().toInstant();
        }
        return end != null && next.isAfter(end) ? Optional.empty() : Optional.of(next);
    }

    /**
     * The fire times in {@code (last, now]}, oldest first, at most {@link #MAX_CATCHUP} (the
     * newest); with {@code noCatchup} only the newest.
     */
    public static List<Instant> due(Schedule.Trigger t, Instant created, Instant last, Instant now, boolean noCatchup) {
        List<Instant> out = new ArrayList<>();
        Instant at = last;
        while (true) {
            Optional<Instant> n = next(t, created, at);
            if (n.isEmpty() || n.get().isAfter(now)) {
                break;
            }
            out.add(n.get());
            if (out.size() > MAX_CATCHUP) {
                out.remove(0);
            }
            at = n.get();
        }
        if (noCatchup && out.size() > 1) {
            return List.of(out.get(out.size() - 1));
        }
        return out;
    }

    /**
     * The trigger as a Knative PingSource schedule (5-field cron at minute granularity, UTC) that
     * pings in the minute of (or just after) each fire time, so the fire handler
     * ({@code Schedules.advance}) starts each due run less than a minute late. An interval's fire
     * times are {@code base + k * interval}: the cron's minute (and hour) field is offset to the
     * base, e.g. every 5 minutes from 10:22:13 pings at minutes {@code 3-59/5}.
     *
     * @param base the interval's base (the start time, else the creation time); unused for cron
     * @throws IllegalArgumentException naming {@code trigger} when it cannot be expressed so: an
     *     interval that is not a whole number of minutes dividing an hour (or of hours dividing a day),
     *     or a cron with a seconds field other than 0
     */
    public static String pingSchedule(Schedule.Trigger t, Instant base) {
        if (t.intervalSeconds() != null) {
            long s = t.intervalSeconds();
            java.time.ZonedDateTime b = base.atZone(java.time.ZoneOffset.UTC);
            // the first whole minute at or after the base: pings then see the fire time as due
            java.time.ZonedDateTime at = b.getSecond() == 0 && b.getNano() == 0 ? b : b.plusMinutes(1).withSecond(0).withNano(0);
            if (s % 60 == 0) {
                long m = s / 60;
                if (m == 1) {
                    return "* * * * *";
                }
                if (m < 60 && 60 % m == 0) {
                    return (at.getMinute() % m) + "-59/" + m + " * * * *";
                }
                if (m % 60 == 0 && 24 % (m / 60) == 0) {
                    long h = m / 60;
                    return at.getMinute() + " " + (at.getHour() % h) + "-23/" + h + " * * *";
                }
            }
            throw new IllegalArgumentException("trigger.periodic_schedule.interval_second " + s + " cannot run in the"
                    + " cluster: a Knative PingSource fires by cron at minute granularity, so an interval must be a whole"
                    + " number of minutes dividing an hour (60, 120, 300, 600, 900, 1200, 1800) or of hours dividing a day");
        }
        String[] f = t.cron().trim().split("\\s+");
        cron(t.cron());
        if (f.length == 5) {
            return String.join(" ", f);
        }
        if (!f[0].equals("0")) {
            throw new IllegalArgumentException("trigger.cron_schedule.cron '" + t.cron() + "' fires at second " + f[0]
                    + "; a Knative PingSource fires at minute granularity: use 0 as the seconds field");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < 6; i++) {
            b.append(i > 1 ? " " : "").append(f[i].equals("?") ? "*" : f[i]);
        }
        return b.toString();
    }
}
